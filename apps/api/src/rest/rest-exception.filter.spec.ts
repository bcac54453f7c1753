import type { ArgumentsHost } from '@nestjs/common';
import { PackageRefusal } from '@packgate/registries/core';
import { RestExceptionFilter } from './rest-exception.filter';

function answer(exception: unknown): { status: number; body: { message: string } } {
  const out = { status: 0, body: { message: '' } };
  const res = { headersSent: false, setHeader: jest.fn(), status: (s: number) => ((out.status = s), res), json: (b: { message: string }) => (out.body = b) };
  new RestExceptionFilter().catch(exception, { switchToHttp: () => ({ getRequest: () => ({}), getResponse: () => res }) } as unknown as ArgumentsHost);
  return out;
}

const target = { org: 'acme', type: 'docker' as const, name: 'acme/app' };

describe('RestExceptionFilter: package-access refusals', () => {
  it('maps unauthenticated / not-visible / denied to 401 / 404 / 403', () => {
    expect(answer(new PackageRefusal('unauthenticated', 'authentication required', target, true)).status).toBe(401);
    expect(answer(new PackageRefusal('not-visible', 'needs role docker:read', target, false)).body).toMatchObject({ statusCode: 404, message: 'no docker package acme/app in acme' });
    expect(answer(new PackageRefusal('not-visible', 'no org', target, false, 'org')).body).toMatchObject({ statusCode: 404, message: 'no org acme' });
    expect(answer(new PackageRefusal('denied', 'changing package settings needs org:admin', target, false)).body).toMatchObject({ statusCode: 403, message: 'changing package settings needs org:admin' });
  });
});
