import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable, Transform, TransformCallback } from 'node:stream';
import type { PackageType } from '@packgate/auth';
import { UpstreamError } from './upstream-errors';
import { upstreamMetrics } from './upstream-metrics';
import type { UpstreamSettings } from './upstream-settings.service';

export interface UpstreamClientOptions {
  /** Longest wait for the TCP (and TLS) connection. */
  connectTimeoutMs: number;
  /** Longest wait for response headers; for documents, for the whole body; for streams, between two chunks. */
  timeoutMs: number;
  /** Largest metadata document accepted (fetchDocument). */
  maxDocumentBytes: number;
}

export const UPSTREAM_CLIENT_OPTIONS = Symbol('UPSTREAM_CLIENT_OPTIONS');
export const DEFAULT_UPSTREAM_CLIENT_OPTIONS: UpstreamClientOptions = { connectTimeoutMs: 5000, timeoutMs: 30_000, maxDocumentBytes: 64 * 1024 * 1024 };

/** What the client needs of an upstream: where it is, how to name it, what to authenticate with. */
export type UpstreamEndpoint = Pick<UpstreamSettings, 'type' | 'url' | 'host' | 'credentials'>;

export interface UpstreamRequestOptions {
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /**
   * `basic` (default): the stored credentials as Basic auth, sent only to the upstream's own origin
   * (never after a redirect elsewhere); `none`; or an Authorization value (e.g. a Docker Bearer token).
   */
  auth?: 'basic' | 'none' | { authorization: string };
  /** Redirects followed (default 5). */
  maxRedirects?: number;
}

export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The URL that answered (after redirects). */
  url: URL;
  /** Consume it or destroy it. Fails with UpstreamError when the upstream stalls past timeoutMs. */
  body: Readable;
}

export interface UpstreamDocument {
  status: number;
  headers: IncomingHttpHeaders;
  url: URL;
  body: Buffer;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Counts bytes for the metrics as they pass. */
class ByteCounter extends Transform {
  constructor(private readonly format: PackageType) {
    super();
  }
  _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    upstreamMetrics.bytes.inc({ format: this.format }, chunk.length);
    callback(null, chunk);
  }
}

const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** Internal: a reused keep-alive socket was already closed by the upstream (retried, never surfaced). */
class StaleSocketError extends Error {}

/**
 * HTTP to upstream registries: bounded connect and response timeouts, streamed bodies, a size cap
 * for documents, Basic auth from the stored credentials (never logged, never in messages: errors
 * name the upstream's host only). Everything is asynchronous, so a slow upstream holds only the
 * requests waiting on it.
 */
@Injectable()
export class UpstreamClient implements OnModuleDestroy {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };

  constructor(@Inject(UPSTREAM_CLIENT_OPTIONS) private readonly options: UpstreamClientOptions) {}

  onModuleDestroy(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }

  /** Resolves a path or URL against the upstream's base URL (`/simple/x/` → `<base>/simple/x/`). */
  resolve(upstream: UpstreamEndpoint, pathOrUrl: string): URL {
    return /^https?:\/\//i.test(pathOrUrl) ? new URL(pathOrUrl) : new URL(pathOrUrl.replace(/^\/+/, ''), `${upstream.url}/`);
  }

  /** Any status is returned; only transport failures and timeouts throw (UpstreamError, counted). */
  async open(upstream: UpstreamEndpoint, target: string | URL, options: UpstreamRequestOptions = {}): Promise<UpstreamResponse> {
    let url = typeof target === 'string' ? this.resolve(upstream, target) : target;
    const origin = new URL(upstream.url).origin;
    for (let redirects = 0; ; redirects++) {
      const response = await this.once(upstream, url, options, url.origin === origin);
      const location = response.headers.location;
      if (!REDIRECTS.has(response.status) || !location || redirects >= (options.maxRedirects ?? 5)) return response;
      response.body.destroy();
      url = new URL(location, url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw this.fail(upstream, `redirected to a ${url.protocol} URL`);
    }
  }

  /**
   * A whole document (index page, packument, manifest) in memory, at most maxDocumentBytes, within
   * timeoutMs from start to end. Statuses outside `accept` (default 200, 304, 404, 410) throw UpstreamError.
   */
  async fetchDocument(upstream: UpstreamEndpoint, target: string | URL, options: UpstreamRequestOptions & { accept?: number[]; maxBytes?: number } = {}): Promise<UpstreamDocument> {
    let response: UpstreamResponse | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      response?.body.destroy(this.fail(upstream, `no complete answer within ${this.options.timeoutMs / 1000} s`));
    }, this.options.timeoutMs);
    try {
      response = await this.open(upstream, target, options);
      if (timedOut) throw this.fail(upstream, `no complete answer within ${this.options.timeoutMs / 1000} s`);
      const accept = options.accept ?? [200, 304, 404, 410];
      if (!accept.includes(response.status)) {
        response.body.destroy();
        throw this.fail(upstream, `answered HTTP ${response.status}`);
      }
      const max = options.maxBytes ?? this.options.maxDocumentBytes;
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > max) throw this.fail(upstream, `document larger than ${max} bytes`);
          chunks.push(chunk);
        }
      } catch (error) {
        response.body.destroy();
        throw error instanceof UpstreamError ? error : this.fail(upstream, 'connection failed while reading the answer');
      }
      return { status: response.status, headers: response.headers, url: response.url, body: Buffer.concat(chunks) };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * One request; a GET or HEAD whose reused keep-alive socket turns out closed by the upstream
   * (ECONNRESET/EPIPE before any answer: the upstream's idle timeout raced our reuse) is sent once
   * more on a new connection, as Node's documentation advises for idempotent requests.
   */
  private async once(upstream: UpstreamEndpoint, url: URL, options: UpstreamRequestOptions, sameOrigin: boolean): Promise<UpstreamResponse> {
    try {
      return await this.attempt(upstream, url, options, sameOrigin);
    } catch (error) {
      if (!(error instanceof StaleSocketError)) throw error;
      return this.attempt(upstream, url, options, sameOrigin, false);
    }
  }

  private attempt(upstream: UpstreamEndpoint, url: URL, options: UpstreamRequestOptions, sameOrigin: boolean, retryStaleSocket = true): Promise<UpstreamResponse> {
    const headers: Record<string, string> = { 'user-agent': 'Packgate upstream proxy', ...options.headers };
    const auth = options.auth ?? 'basic';
    if (auth === 'basic' && sameOrigin && upstream.credentials) {
      headers.authorization = `Basic ${Buffer.from(`${upstream.credentials.username}:${upstream.credentials.password}`, 'utf8').toString('base64')}`;
    } else if (typeof auth === 'object' && sameOrigin) {
      headers.authorization = auth.authorization;
    }
    const transport = url.protocol === 'https:' ? https : http;
    const agent = this.agents[url.protocol as 'http:' | 'https:'];
    if (!agent) return Promise.reject(this.fail(upstream, `unsupported protocol ${url.protocol}`));
    return new Promise<UpstreamResponse>((resolve, reject) => {
      let settled = false;
      const finish = (error: UpstreamError) => {
        if (settled) return;
        settled = true;
        clearTimeout(headerTimer);
        req.destroy();
        reject(error);
      };
      const req = transport.request(url, { method: options.method ?? 'GET', headers, agent });
      const headerTimer = setTimeout(() => finish(this.fail(upstream, `no answer within ${this.options.timeoutMs / 1000} s`)), this.options.timeoutMs);
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const connectTimer = setTimeout(() => finish(this.fail(upstream, `no connection within ${this.options.connectTimeoutMs / 1000} s`)), this.options.connectTimeoutMs);
        socket.once('connect', () => clearTimeout(connectTimer));
        socket.once('secureConnect', () => clearTimeout(connectTimer));
        socket.once('close', () => clearTimeout(connectTimer));
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        const method = options.method ?? 'GET';
        if (retryStaleSocket && !settled && req.reusedSocket && (method === 'GET' || method === 'HEAD') && STALE_SOCKET_CODES.has(error.code ?? '')) {
          settled = true;
          clearTimeout(headerTimer);
          req.destroy();
          reject(new StaleSocketError());
          return;
        }
        finish(this.fail(upstream, `unreachable (${error.code ?? 'connection error'})`));
      });
      req.on('response', (res) => {
        if (settled) {
          res.destroy();
          return;
        }
        settled = true;
        clearTimeout(headerTimer);
        const counter = new ByteCounter(upstream.type);
        // A stalled body fails the stream rather than hanging whoever consumes it.
        res.setTimeout(this.options.timeoutMs, () => res.destroy(this.fail(upstream, `stalled for ${this.options.timeoutMs / 1000} s`)));
        res.on('error', (error) => counter.destroy(error instanceof UpstreamError ? error : this.fail(upstream, 'connection failed while reading the answer')));
        res.on('aborted', () => counter.destroy(this.fail(upstream, 'connection closed before the answer ended')));
        counter.on('close', () => {
          if (!res.complete) res.destroy();
        });
        res.pipe(counter);
        resolve({ status: res.statusCode ?? 502, headers: res.headers, url, body: counter });
      });
      req.end();
    });
  }

  private fail(upstream: UpstreamEndpoint, detail: string): UpstreamError {
    upstreamMetrics.errors.inc({ format: upstream.type });
    return new UpstreamError(upstream.host, detail);
  }
}
