import { Injectable } from '@nestjs/common';
import type { JWTPayload, ProtectedHeaderParameters } from 'jose';
import { FetchFailed } from './bounded-fetch';
import { jose } from './jose-module';
import { OidcKeys } from './oidc-keys';

/** Signature algorithms accepted: asymmetric only (never `none`, never HMAC). */
export const OIDC_ALGORITHMS = ['RS256', 'ES256'];
export const OIDC_CLOCK_SKEW_SECONDS = 60;
const MAX_ID_TOKEN_VALIDITY_SECONDS = 31 * 24 * 3600;

/** A refused ID token; the message names the failed check and never contains the token. */
export class OidcRefused extends Error {}
/** The issuer's keys could not be fetched: not the token's fault. */
export class OidcIssuerUnavailable extends Error {}

/** What can be read from an ID token before its signature is checked (never trusted for decisions). */
export function peekIdToken(token: string): { header: ProtectedHeaderParameters; issuer: string } {
  let header: ProtectedHeaderParameters;
  let payload: JWTPayload;
  try {
    header = jose().decodeProtectedHeader(token);
    payload = jose().decodeJwt(token);
  } catch {
    throw new OidcRefused('not a signed JWT (expected header.payload.signature)');
  }
  if (typeof header.alg !== 'string' || !OIDC_ALGORITHMS.includes(header.alg)) {
    throw new OidcRefused(`algorithm ${String(header.alg).slice(0, 20)} is not accepted (only ${OIDC_ALGORITHMS.join(', ')})`);
  }
  if (typeof payload.iss !== 'string' || payload.iss === '') throw new OidcRefused('token has no iss claim');
  return { header, issuer: payload.iss };
}

/**
 * Checks an ID token's signature against its issuer's published keys and its time claims (`exp`,
 * `nbf`, `iat`, 60 s skew) and that it carries a `jti`. Audience and publisher claims are the
 * caller's business (they depend on the publisher).
 */
@Injectable()
export class OidcVerifier {
  constructor(private readonly keys: OidcKeys) {}

  async verify(token: string, issuer: string, kid: string | undefined, insecureAllowed: boolean): Promise<JWTPayload> {
    let keySet;
    try {
      keySet = await this.keys.keysFor(issuer, kid, insecureAllowed);
    } catch (error) {
      throw new OidcIssuerUnavailable(`cannot fetch the signing keys of ${issuer}: ${error instanceof FetchFailed ? error.message : 'fetch failed'}`);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jose().jwtVerify(token, keySet, {
        issuer,
        algorithms: OIDC_ALGORITHMS,
        clockTolerance: OIDC_CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp', 'iat', 'jti'],
      }));
    } catch (error) {
      throw new OidcRefused(describeJoseError(error));
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.iat === 'number' && payload.iat > now + OIDC_CLOCK_SKEW_SECONDS) throw new OidcRefused('token issued in the future (iat)');
    if (typeof payload.jti !== 'string' || payload.jti === '' || payload.jti.length > 256) throw new OidcRefused('token needs a jti claim of 1-256 characters');
    // Its jti is kept until it expires; no CI issues ID tokens for longer than a job may run.
    if ((payload.exp as number) > now + MAX_ID_TOKEN_VALIDITY_SECONDS) throw new OidcRefused('token expires too far in the future (exp more than 31 days ahead)');
    return payload;
  }
}

function describeJoseError(error: unknown): string {
  const { errors } = jose();
  if (error instanceof errors.JWTExpired) return 'token expired (exp)';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'token not valid yet (nbf)';
    return `claim ${error.claim} is missing or invalid`;
  }
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the issuer matches the token (kid/alg)';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature is invalid';
  if (error instanceof errors.JOSEAlgNotAllowed) return `algorithm is not accepted (only ${OIDC_ALGORITHMS.join(', ')})`;
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'several keys of the issuer match the token; it needs a kid';
  return 'not a valid signed JWT';
}
