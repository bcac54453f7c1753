import type { Server } from 'node:http';

/**
 * Node hands `CONNECT` requests to the server's 'connect' event and, with no listener, closes the
 * socket without a word. Packgate is no proxy: answer 405.
 */
export function refuseConnect(server: Server): void {
  server.on('connect', (_req, socket) => {
    const body = JSON.stringify({ statusCode: 405, error: 'Method Not Allowed', message: 'CONNECT is not supported' });
    socket.on('error', () => socket.destroy());
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
