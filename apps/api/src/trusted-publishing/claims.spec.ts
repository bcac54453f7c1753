import { GITHUB_ISSUER, auditedClaims, claimProblems, firstClaimMismatch, pickPublisher } from './claims';

describe('publisher claims', () => {
  it('requires a pinning claim, and the project claim on GitHub', () => {
    expect(claimProblems('https://ci.example.com', { repository: 'acme/app' })).toEqual([]);
    expect(claimProblems('https://ci.example.com', {})).toEqual(['claims must list at least one claim to match']);
    expect(claimProblems('https://ci.example.com', { ref: '**' })).toEqual(['at least one claim must be more than "*"']);
    expect(claimProblems(GITHUB_ISSUER, { ref: 'refs/heads/main' })[0]).toMatch(/must pin one of: repository/);
    expect(claimProblems(GITHUB_ISSUER, { repository: 'acme/*', ref: 'refs/heads/main' })).toEqual([]);
    expect(claimProblems('https://ci.example.com', { 'bad name': 'x', exp: '1', ref: 5 })).toHaveLength(3);
  });

  it('matches every listed claim (glob values, numbers as text, objects never)', () => {
    const payload = { repository: 'acme/app', ref: 'refs/tags/v1.2', run_number: 7, groups: ['a'] };
    expect(firstClaimMismatch({ repository: 'acme/app', ref: 'refs/tags/v*' }, payload)).toBeNull();
    expect(firstClaimMismatch({ run_number: '7' }, payload)).toBeNull();
    expect(firstClaimMismatch({ repository: 'acme/app', ref: 'refs/heads/*' }, payload)).toBe('ref');
    expect(firstClaimMismatch({ groups: '*' }, payload)).toBe('groups');
    expect(firstClaimMismatch({ environment: '*' }, payload)).toBe('environment');
  });

  it('picks the most specific publisher, then the oldest, then by id', () => {
    const at = (s: number) => new Date(s * 1000);
    const broad = { id: 'b', name: 'broad', claims: { repository: 'acme/*' }, createdAt: at(1) };
    const narrowNew = { id: 'c', name: 'narrow-new', claims: { repository: 'acme/app', ref: 'refs/heads/main' }, createdAt: at(3) };
    const narrowOld = { id: 'd', name: 'narrow-old', claims: { repository: 'acme/app', ref: 'refs/heads/*' }, createdAt: at(2) };
    const twin = { ...narrowOld, id: 'a', name: 'twin' };
    expect(pickPublisher([broad, narrowNew, narrowOld])?.name).toBe('narrow-old');
    expect(pickPublisher([narrowOld, twin])?.name).toBe('twin');
    expect(pickPublisher([])).toBeUndefined();
  });

  it('keeps only identifying claims for the audit trail', () => {
    expect(auditedClaims({ repository: 'acme/app', run_id: '42', secret: 'x', aud: 'packgate' })).toEqual({ repository: 'acme/app', run_id: '42' });
  });
});
