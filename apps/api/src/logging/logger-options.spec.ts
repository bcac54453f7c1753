import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PackgateConfig } from '../config/config';
import { loggerOptions } from './logger-options';

type Options = Record<string, any>;
const options = loggerOptions({ logLevel: 'info' } as PackgateConfig).pinoHttp as Options;

function response(statusCode: number, headers: Record<string, string> = {}): ServerResponse {
  return { statusCode, hasHeader: (name: string) => name.toLowerCase() in headers } as unknown as ServerResponse;
}

describe('request log options', () => {
  it('logs the request line from the raw request, secrets in the URL masked, no headers', () => {
    const req = { id: 'r1', method: 'GET', originalUrl: '/default/pypi/simple/x/?auth_token=pgt_abc&n=1', url: '/simple/x/', socket: { remoteAddress: '127.0.0.1' }, headers: { 'user-agent': 'pip/24', authorization: 'Bearer pgt_abc' } };
    const line = options.serializers.req(req);
    expect(line).toEqual({ id: 'r1', method: 'GET', url: '/default/pypi/simple/x/?auth_token=***&n=1', remoteAddress: '127.0.0.1', userAgent: 'pip/24' });
    expect(JSON.stringify(line)).not.toContain('pgt_abc');
  });

  it('a load-shedding 503 (Retry-After) is a warning without an error stack; other 5xx stay errors with theirs', () => {
    const req = {} as IncomingMessage;
    const shed = response(503, { 'retry-after': '1' });
    const error = new Error('failed with status code 503');
    expect(options.customLogLevel(req, shed)).toBe('warn');
    expect(options.customErrorObject(req, shed, error, { res: shed, err: error, responseTime: 3 })).toEqual({ res: shed, responseTime: 3 });
    expect(options.customErrorMessage(req, shed, error)).toBe('request refused: server busy');
    const fault = response(500);
    const value = { res: fault, err: error, responseTime: 3 };
    expect(options.customLogLevel(req, fault)).toBe('error');
    expect(options.customErrorObject(req, fault, error, value)).toBe(value);
    expect(options.customErrorMessage(req, fault, error)).toBe('request errored');
    expect(options.customLogLevel(req, response(429))).toBe('info');
  });
});
