import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino from 'pino';
import type { PackgateConfig } from '../config/config';
import { logDestination } from './log-destination';

const SECRET_QUERY = /([?&](?:auth_token|token|password)=)[^&]*/gi;

/** Request path with secret-bearing query parameters masked. */
export function safeUrl(url: string | undefined): string {
  return (url ?? '').replace(SECRET_QUERY, '$1***').replace(/pgt_[A-Za-z0-9_-]+/g, 'pgt_***');
}

const isLoadShedding = (res: ServerResponse): boolean => res.statusCode === 503 && res.hasHeader('retry-after');

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
      // Our serializers read the raw request and response: pino-std-serializers' wrappers would first
      // copy every header of every request into an object that is then thrown away.
      wrapSerializers: false,
      serializers: {
        req: (req: IncomingMessage & { id?: string; originalUrl?: string }) => ({
          id: req.id,
          method: req.method,
          url: safeUrl(req.originalUrl ?? req.url),
          remoteAddress: req.socket?.remoteAddress,
          userAgent: req.headers?.['user-agent'],
        }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '***' },
      // A 503 with Retry-After is load shedding (password hashing at capacity), not a fault.
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) => (isLoadShedding(res) ? 'warn' : error || res.statusCode >= 500 ? 'error' : 'info'),
      // pino-http makes an Error for every 5xx; for load shedding its stack says nothing and formatting
      // it for each refused request of a flood is the most expensive part of the line: left out.
      customErrorObject: (_req: IncomingMessage, res: ServerResponse, _error: Error, value: Record<string, unknown>) => (isLoadShedding(res) ? { res: value.res, responseTime: value.responseTime } : value),
      customErrorMessage: (_req: IncomingMessage, res: ServerResponse) => (isLoadShedding(res) ? 'request refused: server busy' : 'request errored'),
    },
  };
}
