import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { PackgateConfig } from '../config/config';
import { logDestination } from './log-destination';

const SECRET_QUERY = /([?&](?:auth_token|token|password)=)[^&]*/gi;

/** Request path with secret-bearing query parameters masked. */
export function safeUrl(url: string | undefined): string {
  return (url ?? '').replace(SECRET_QUERY, '$1***').replace(/pgt_[A-Za-z0-9_-]+/g, 'pgt_***');
}

/**
 * JSON logs through pino with a request id; the Authorization and Cookie headers, Set-Cookie and
 * secret query parameters never reach them. Written asynchronously (see logDestination).
 */
export function loggerOptions(config: PackgateConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      stream: logDestination(),
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      serializers: {
        req: (req: { id: string; method: string; url: string; remoteAddress?: string; headers?: Record<string, unknown> }) => ({
          id: req.id,
          method: req.method,
          url: safeUrl(req.url),
          remoteAddress: req.remoteAddress,
          userAgent: req.headers?.['user-agent'],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '***' },
      // A 503 with Retry-After is load shedding (password hashing at capacity), not a fault.
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
        res.statusCode === 503 && res.hasHeader('retry-after') ? 'warn' : error || res.statusCode >= 500 ? 'error' : 'info',
    },
  };
}
