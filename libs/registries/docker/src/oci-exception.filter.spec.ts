import type { ArgumentsHost } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { OciExceptionFilter } from './oci-exception.filter';
import type { DockerOptions } from './docker-options';

function fakeHost() {
  const sent: { status?: number; body?: string; headers: Record<string, string> } = { headers: {} };
  const res = {
    headersSent: false,
    setHeader: (name: string, value: string) => (sent.headers[name.toLowerCase()] = value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    type() {
      return this;
    },
    send(body?: string) {
      sent.body = body;
      return this;
    },
  };
  const req = { method: 'PUT', path: '/v2/default/app/manifests/v1', headers: {}, complete: true };
  const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('OCI exception filter', () => {
  const options = { service: 'packgate', publicUrl: () => 'http://registry.test' } as DockerOptions;

  it('answers an internal error (a database failure) with 500 UNKNOWN, never UNSUPPORTED', () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { host, sent } = fakeHost();
    new OciExceptionFilter(options).catch(Object.assign(new Error('Deadlock found when trying to get lock'), { code: 'ER_LOCK_DEADLOCK', errno: 1213 }), host);
    expect(sent.status).toBe(500);
    expect(JSON.parse(sent.body!).errors[0]).toMatchObject({ code: 'UNKNOWN', message: 'internal error' });
    expect(sent.body).not.toMatch(/Deadlock/);
  });
});
