import { globMatches } from '@packgate/auth';

/** The well-known CI issuers and the claims that must pin a publisher to a project there. */
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
export const GITLAB_ISSUER = 'https://gitlab.com';
const IDENTIFYING_CLAIMS: Record<string, string[]> = {
  [GITHUB_ISSUER]: ['repository', 'repository_id', 'repository_owner', 'repository_owner_id', 'sub', 'job_workflow_ref', 'workflow_ref'],
  [GITLAB_ISSUER]: ['project_path', 'project_id', 'namespace_path', 'namespace_id', 'sub'],
};

/** Claims worth keeping in the audit trail of an exchange (never the ID token itself). */
export const AUDITED_CLAIMS = [
  'sub',
  'repository',
  'repository_owner',
  'ref',
  'workflow_ref',
  'environment',
  'run_id',
  'run_attempt',
  'actor',
  'sha',
  'project_path',
  'namespace_path',
  'pipeline_id',
  'job_id',
  'user_login',
];

export const CLAIM_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
export const MAX_CLAIMS = 20;
export const MAX_CLAIM_VALUE = 512;

/**
 * Problems with a publisher's claim conditions, for a 400. A publisher must pin something: at least
 * one claim whose value is not all `*`, and on GitHub/GitLab one of the claims that name the project
 * (otherwise every repository on github.com could publish).
 */
export function claimProblems(issuer: string, claims: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const entries = Object.entries(claims);
  if (entries.length === 0) return ['claims must list at least one claim to match'];
  if (entries.length > MAX_CLAIMS) problems.push(`at most ${MAX_CLAIMS} claims`);
  for (const [name, value] of entries) {
    if (!CLAIM_NAME.test(name)) problems.push(`claim name "${name.slice(0, 70)}" must be 1-64 letters, digits or _ . : -`);
    if (['iss', 'aud', 'exp', 'nbf', 'iat', 'jti'].includes(name)) problems.push(`claim ${name} is checked by the exchange itself and cannot be listed`);
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CLAIM_VALUE) problems.push(`claim ${name.slice(0, 64)} needs a string value of 1-${MAX_CLAIM_VALUE} characters`);
  }
  if (problems.length > 0) return problems;
  const pinning = entries.filter(([, value]) => /[^*]/.test(value as string));
  if (pinning.length === 0) problems.push('at least one claim must be more than "*"');
  const identifying = IDENTIFYING_CLAIMS[issuer.replace(/\/+$/, '')];
  if (identifying && !pinning.some(([name]) => identifying.includes(name))) {
    problems.push(`for ${issuer} the claims must pin one of: ${identifying.join(', ')}`);
  }
  return problems;
}

/** A claim value from a token as text: strings as they are, numbers and booleans spelled out. */
function claimText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The first listed claim that does not match, or null when all do. */
export function firstClaimMismatch(expected: Record<string, string>, payload: Record<string, unknown>): string | null {
  for (const name of Object.keys(expected).sort()) {
    const actual = claimText(payload[name]);
    if (actual === undefined || !globMatches(expected[name], actual)) return name;
  }
  return null;
}

export interface PublisherLike {
  id: string;
  name: string;
  claims: Record<string, string>;
  createdAt: Date;
}

/**
 * When several publishers match one token: the one listing the most claims (the most specific),
 * then the oldest, then by id. Deterministic on every node.
 */
export function pickPublisher<T extends PublisherLike>(matching: T[]): T | undefined {
  return [...matching].sort(
    (a, b) =>
      Object.keys(b.claims).length - Object.keys(a.claims).length ||
      a.createdAt.getTime() - b.createdAt.getTime() ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )[0];
}

/** The identifying claims of a verified token, for the audit trail (strings only, bounded). */
export function auditedClaims(payload: Record<string, unknown>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of AUDITED_CLAIMS) {
    const value = claimText(payload[name]);
    if (value !== undefined) kept[name] = value.slice(0, 200);
  }
  return kept;
}
