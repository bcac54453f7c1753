import type { Package } from '../entities';
import { decideSource, reservedPatternFor } from './source-decision';
import type { UpstreamSettings } from './upstream-settings.service';

const settings: UpstreamSettings = {
  orgId: 1,
  type: 'npm',
  url: 'http://upstream.test',
  host: 'upstream.test',
  reserved: ['acme-*', '@acme/*'],
  metadataTtlSeconds: 300,
  prefix: null,
  credentials: null,
  updatedAt: new Date(0),
};
const pkg = (source: 'local' | 'upstream') => ({ id: 1, source, normalizedName: 'left-pad' }) as Package;

describe('decideSource (the dependency-confusion rules)', () => {
  it('a local package wins over everything: never upstream', () => {
    expect(decideSource(pkg('local'), settings, 'left-pad')).toEqual({ kind: 'private', pkg: pkg('local') });
    expect(decideSource(pkg('local'), settings, 'acme-lib').kind).toBe('private');
  });

  it('a reserved name is never proxied, even when cached before the pattern was added', () => {
    expect(decideSource(null, settings, 'acme-lib')).toMatchObject({ kind: 'reserved', pattern: 'acme-*' });
    expect(decideSource(pkg('upstream'), settings, '@acme/secret')).toMatchObject({ kind: 'reserved', pattern: '@acme/*' });
  });

  it('other names come from the upstream, with the cached package when there is one', () => {
    expect(decideSource(null, settings, 'left-pad')).toEqual({ kind: 'upstream', settings, cached: null });
    expect(decideSource(pkg('upstream'), settings, 'left-pad')).toEqual({ kind: 'upstream', settings, cached: pkg('upstream') });
  });

  it('without an upstream: stored packages are served as stored, others do not exist', () => {
    expect(decideSource(null, null, 'left-pad')).toEqual({ kind: 'none' });
    expect(decideSource(pkg('upstream'), null, 'left-pad').kind).toBe('private');
  });

  it('patterns match whole names, case-insensitively', () => {
    expect(reservedPatternFor(settings, 'ACME-x')).toBe('acme-*');
    expect(reservedPatternFor(settings, 'x-acme-y')).toBeUndefined();
    expect(reservedPatternFor(settings, '@acme')).toBeUndefined();
  });
});
