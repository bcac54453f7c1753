import type { ArgumentsHost } from '@nestjs/common';
import { PackageRefusal } from '@packgate/registries/core';
import { NpmExceptionFilter } from './npm-exception.filter';

function answer(exception: unknown): { status: number; body: { error: string } } {
  const out = { status: 0, body: { error: '' } };
  const res = { headersSent: false, setHeader: jest.fn(), status: (s: number) => ((out.status = s), res), json: (b: { error: string }) => (out.body = b) };
  const req = { params: { org: 'acme' }, protocol: 'http', get: () => 'registry.test' };
  new NpmExceptionFilter().catch(exception, { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ArgumentsHost);
  return out;
}

const target = { org: 'acme', type: 'npm' as const, name: '@s/lib', label: '@S/lib' };

describe('NpmExceptionFilter: package-access refusals', () => {
  it('unauthenticated → 401 with how to configure a token', () => {
    const { status, body } = answer(new PackageRefusal('unauthenticated', 'authentication required', target, true));
    expect(status).toBe(401);
    expect(body.error).toMatch(/^authentication required: /);
  });

  it('not-visible → 404 naming the package (or the registry when the org is unknown)', () => {
    expect(answer(new PackageRefusal('not-visible', 'needs role npm:read', target, false))).toEqual({ status: 404, body: { error: 'package @S/lib not found' } });
    expect(answer(new PackageRefusal('not-visible', 'no org', target, false, 'org'))).toEqual({ status: 404, body: { error: 'no npm registry at /acme/npm/' } });
  });

  it('denied → 403 with the evaluator reason', () => {
    expect(answer(new PackageRefusal('denied', 'needs role npm:write', target, false))).toEqual({ status: 403, body: { error: 'forbidden: needs role npm:write' } });
  });
});
