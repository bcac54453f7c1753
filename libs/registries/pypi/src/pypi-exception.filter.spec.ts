import type { ArgumentsHost } from '@nestjs/common';
import { PackageRefusal } from '@packgate/registries/core';
import { BASIC_CHALLENGE, PypiExceptionFilter, reasonPhrase } from './pypi-exception.filter';

function answer(exception: unknown): { status: number; body: string; challenge?: string } {
  const out: { status: number; body: string; challenge?: string } = { status: 0, body: '' };
  const res = {
    headersSent: false,
    statusMessage: '',
    setHeader: (name: string, value: string) => name === 'WWW-Authenticate' && (out.challenge = value),
    status: (s: number) => ((out.status = s), res),
    type: () => res,
    send: (b: string) => (out.body = b.trim()),
  };
  new PypiExceptionFilter().catch(exception, { switchToHttp: () => ({ getRequest: () => ({}), getResponse: () => res }) } as unknown as ArgumentsHost);
  return out;
}

const target = { org: 'acme', type: 'pypi' as const, name: 'foo-bar', label: 'Foo_Bar' };

describe('PypiExceptionFilter: package-access refusals', () => {
  it('anonymous callers get the Basic challenge whether the project is private, missing or the org unknown', () => {
    for (const refusal of [new PackageRefusal('unauthenticated', 'authentication required', target, true), new PackageRefusal('not-visible', 'no org', target, true, 'org')]) {
      expect(answer(refusal)).toEqual({ status: 401, body: 'Authentication required', challenge: BASIC_CHALLENGE });
    }
  });

  it('not-visible with credentials → the same 404 as a missing project', () => {
    expect(answer(new PackageRefusal('not-visible', 'needs role pypi:read', target, false))).toEqual({ status: 404, body: 'Not Found: no project foo-bar you may read in acme' });
  });

  it('denied → 403 with the evaluator reason', () => {
    expect(answer(new PackageRefusal('denied', 'needs role pypi:write', target, false))).toEqual({ status: 403, body: 'Forbidden: needs role pypi:write' });
  });
});

describe('reason phrase', () => {
  it('keeps printable ASCII only, bounded', () => {
    expect(reasonPhrase('File already exists: a.whl')).toBe('File already exists: a.whl');
    expect(reasonPhrase('bad\r\nInjected: header')).toBe('bad Injected: header');
    expect(reasonPhrase('naïve ☃')).toBe('na ve');
    expect(reasonPhrase('x'.repeat(500))).toHaveLength(200);
    expect(reasonPhrase('\n')).toBe('Error');
  });
});
