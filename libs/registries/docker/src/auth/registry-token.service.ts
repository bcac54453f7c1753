import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AUTH_OPTIONS, AuthOptions, CredentialRejected, IdentityService, Principal, PresentedCredentials, TokenService, tokenInBasic } from '@packgate/auth';
import { RegistryScopeRestriction, ScopeEntry } from './scope';

/**
 * Registry bearer tokens issued by `/v2/token` (distribution `docs/content/spec/auth/jwt.md`):
 * HS256 JWTs, signed with a key derived from the server secret, short-lived, carrying the granted
 * `access` list and the subject they were issued to. Verification rebuilds the principal from the
 * subject every time, so a disabled user, a changed password, or a rotated/deleted access token
 * kills the registry tokens issued from it at once:
 * - `user:<id>` + `pwf` (fingerprint of the current password hash);
 * - `token:<id>` + `pgt` (the access token, sealed with AES-256-GCM under a server-derived key):
 *   it is verified again like any presented token (signature, record, caveats, owner);
 * - `anonymous`.
 * The granted scopes become a RegistryScopeRestriction on top of the principal's own restrictions.
 */
export const REGISTRY_TOKEN_TTL_SECONDS = 300;
const CLOCK_SKEW_SECONDS = 30;
const MAX_JWT_LENGTH = 8192;

interface Claims {
  iss: string;
  aud: string;
  sub: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  access: ScopeEntry[];
  pgt?: string;
  pwf?: string;
}

type Subject = Pick<Claims, 'sub' | 'pgt' | 'pwf'>;

export interface IssuedRegistryToken {
  token: string;
  expiresIn: number;
  issuedAt: Date;
}

export function looksLikeJwt(text: string): boolean {
  return text.startsWith('eyJ') && text.split('.').length === 3;
}

@Injectable()
export class RegistryTokenService {
  private readonly signingKey: Buffer;
  private readonly sealingKey: Buffer;
  private readonly fingerprintKey: Buffer;
  /** Principals rebuilt from a registry token → their subject, so such a principal can get a new token. */
  private readonly subjects = new WeakMap<Principal, Subject>();

  constructor(
    @Inject(AUTH_OPTIONS) options: AuthOptions,
    private readonly identity: IdentityService,
    private readonly tokens: TokenService,
  ) {
    const derive = (label: string) => createHmac('sha256', options.secret).update(`packgate docker registry ${label} v1`).digest();
    this.signingKey = derive('token signing');
    this.sealingKey = derive('credential sealing');
    this.fingerprintKey = derive('password fingerprint');
  }

  async issue(presented: PresentedCredentials, principal: Principal, service: string, access: ScopeEntry[]): Promise<IssuedRegistryToken> {
    const subject = await this.subjectOf(presented, principal);
    const now = Math.floor(Date.now() / 1000);
    const claims: Claims = { iss: service, aud: service, ...subject, iat: now, nbf: now - CLOCK_SKEW_SECONDS, exp: now + REGISTRY_TOKEN_TTL_SECONDS, jti: randomUUID(), access };
    return { token: this.sign(claims), expiresIn: REGISTRY_TOKEN_TTL_SECONDS, issuedAt: new Date(now * 1000) };
  }

  /** Verifies a presented registry token; throws CredentialRejected with a reason safe to show. */
  async verify(jwt: string, service: string, context: { ip?: string }): Promise<Principal> {
    const claims = this.decode(jwt);
    const now = Math.floor(Date.now() / 1000);
    if (claims.aud !== service || claims.iss !== service) throw new CredentialRejected('registry token is for another service');
    if (claims.exp + CLOCK_SKEW_SECONDS < now) throw new CredentialRejected('registry token expired');
    if (claims.nbf - CLOCK_SKEW_SECONDS > now) throw new CredentialRejected('registry token not valid yet');
    const scope = new RegistryScopeRestriction(Array.isArray(claims.access) ? claims.access : []);
    const base = await this.principalOf(claims, context);
    const principal = { ...base, restrictions: [...base.restrictions, scope] } as Principal;
    this.subjects.set(principal, { sub: claims.sub, pgt: claims.pgt, pwf: claims.pwf });
    return principal;
  }

  private async principalOf(claims: Claims, context: { ip?: string }): Promise<Principal> {
    if (claims.sub === 'anonymous') return { kind: 'anonymous', restrictions: [] };
    if (claims.sub.startsWith('token:') && claims.pgt) {
      const text = this.unseal(claims.pgt);
      const principal = await this.tokens.authenticate(text, context);
      if (`token:${principal.tokenId}` !== claims.sub) throw new CredentialRejected('registry token subject mismatch');
      return principal;
    }
    const userId = /^user:(\d+)$/.exec(claims.sub)?.[1];
    if (userId && claims.pwf) {
      const user = await this.identity.findUserById(Number(userId));
      if (!user || user.disabled) throw new CredentialRejected('registry token owner is disabled or gone');
      if (!safeEqual(this.fingerprint(user.passwordHash), claims.pwf)) throw new CredentialRejected('registry token predates a password change');
      return this.identity.userPrincipal(user, 'password');
    }
    throw new CredentialRejected('registry token has no valid subject');
  }

  private async subjectOf(credentials: PresentedCredentials, principal: Principal): Promise<Subject> {
    const known = this.subjects.get(principal);
    if (known) return known;
    if (principal.kind === 'anonymous') return { sub: 'anonymous' };
    if (principal.kind === 'user') {
      const user = await this.identity.findUserById(principal.userId);
      if (!user) throw new CredentialRejected('unknown user');
      return { sub: `user:${user.id}`, pwf: this.fingerprint(user.passwordHash) };
    }
    const text = credentials.scheme === 'bearer' ? credentials.token : credentials.scheme === 'basic' ? tokenInBasic(credentials) : null;
    if (!text) throw new CredentialRejected('access token not found in the request');
    return { sub: `token:${principal.tokenId}`, pgt: this.seal(text) };
  }

  private sign(claims: Claims): string {
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(JSON.stringify(claims));
    const signature = createHmac('sha256', this.signingKey).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
  }

  private decode(jwt: string): Claims {
    if (jwt.length > MAX_JWT_LENGTH) throw new CredentialRejected('registry token too long');
    const [header, payload, signature] = jwt.split('.');
    const expected = createHmac('sha256', this.signingKey).update(`${header}.${payload}`).digest('base64url');
    if (!signature || !safeEqual(expected, signature)) throw new CredentialRejected('registry token signature is invalid');
    try {
      const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
      if (head.alg !== 'HS256') throw new Error('alg');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
      if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || typeof claims.nbf !== 'number') throw new Error('claims');
      return claims;
    } catch {
      throw new CredentialRejected('registry token is malformed');
    }
  }

  private seal(text: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealingKey, iv);
    const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  private unseal(sealed: string): string {
    try {
      const raw = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.sealingKey, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new CredentialRejected('registry token is malformed');
    }
  }

  private fingerprint(passwordHash: string): string {
    return createHmac('sha256', this.fingerprintKey).update(passwordHash).digest('base64url').slice(0, 22);
  }
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
