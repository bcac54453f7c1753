import type { Server } from 'node:http';

/**
 * How long an idle keep-alive connection stays open. Node's default (5 s) is shorter than the idle
 * time of the clients' agents: npm opens a connection for its pre-publish GET, spends seconds
 * packing and base64-encoding a large tarball, then writes the PUT on that socket just as the
 * server closes it, and fails with EPIPE (npm does not retry a PUT with fetch-retries=0). A server
 * should always outlast its clients here, so idle sockets live longer than any client keeps them.
 */
export const KEEP_ALIVE_SECONDS = 75;

export function outlastClientKeepAlive(server: Server): void {
  server.keepAliveTimeout = KEEP_ALIVE_SECONDS * 1000;
  // Must exceed keepAliveTimeout, or a request arriving on an old socket can be cut at its headers.
  server.headersTimeout = (KEEP_ALIVE_SECONDS + 5) * 1000;
}
