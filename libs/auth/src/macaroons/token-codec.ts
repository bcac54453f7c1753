import { createHmac } from 'node:crypto';
import { base64ToBytes, bytesToBase64, importMacaroon, newMacaroon } from 'macaroon';
import type { Macaroon } from 'macaroon';

/**
 * Packgate access tokens: `pgt_` + base64url(macaroon v2 binary). The identifier is
 * the token record id; the root key is HMAC-SHA256(server secret, id ‖ nonce), so the database alone
 * cannot mint tokens and a new nonce kills every token derived from the old one.
 */
export const TOKEN_PREFIX = 'pgt_';
export const MAX_TOKEN_LENGTH = 4096;
export const TOKEN_LOCATION = 'packgate';

export class TokenFormatError extends Error {}

export interface DecodedToken {
  tokenId: string;
  conditions: string[];
  macaroon: Macaroon;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function looksLikeToken(text: string): boolean {
  return text.startsWith(TOKEN_PREFIX);
}

export function deriveRootKey(secret: Buffer, tokenId: string, nonce: string): Uint8Array {
  return new Uint8Array(createHmac('sha256', secret).update(`${tokenId}\n${nonce}`).digest());
}

export function mintToken(secret: Buffer, tokenId: string, nonce: string): string {
  const macaroon = newMacaroon({ rootKey: deriveRootKey(secret, tokenId, nonce), identifier: tokenId, location: TOKEN_LOCATION, version: 2 });
  return TOKEN_PREFIX + bytesToBase64(encodeMacaroonV2(macaroon));
}

export function decodeToken(text: string): DecodedToken {
  if (!looksLikeToken(text)) throw new TokenFormatError(`token must start with ${TOKEN_PREFIX}`);
  if (text.length > MAX_TOKEN_LENGTH) throw new TokenFormatError(`token longer than ${MAX_TOKEN_LENGTH} characters`);
  const body = text.slice(TOKEN_PREFIX.length).trim();
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(body)) throw new TokenFormatError('token is not base64url');
  let bytes: Uint8Array;
  let macaroon: Macaroon;
  try {
    bytes = base64ToBytes(body);
    macaroon = importMacaroon(bytes) as Macaroon;
  } catch {
    throw new TokenFormatError('token is not a valid macaroon');
  }
  // One token, one spelling: trailing bits or padding that decode to the same bytes are refused.
  if (bytesToBase64(bytes) !== body.replace(/=+$/, '')) throw new TokenFormatError('token is not canonical base64url');
  let tokenId: string;
  const conditions: string[] = [];
  try {
    tokenId = utf8.decode(macaroon.identifier);
    for (const caveat of macaroon.caveats) {
      if (caveat.vid || caveat.location) throw new TokenFormatError('third-party caveats are not supported');
      conditions.push(utf8.decode(caveat.identifier));
    }
  } catch (error) {
    if (error instanceof TokenFormatError) throw error;
    throw new TokenFormatError('token contains bytes that are not UTF-8');
  }
  if (!/^[0-9a-f-]{36}$/.test(tokenId)) throw new TokenFormatError('token identifier is not a Packgate token id');
  return { tokenId, conditions, macaroon };
}

/** Recomputes the HMAC chain; throws when the signature does not match the root key. */
export function verifyTokenSignature(decoded: DecodedToken, rootKey: Uint8Array): void {
  try {
    decoded.macaroon.verify(rootKey, () => null);
  } catch {
    throw new TokenFormatError('token signature is invalid');
  }
}

/** Offline attenuation: appends first-party caveats and returns the narrower token. */
export function attenuateToken(token: string, conditions: string[]): string {
  const decoded = decodeToken(token);
  for (const condition of conditions) decoded.macaroon.addFirstPartyCaveat(condition);
  return TOKEN_PREFIX + bytesToBase64(encodeMacaroonV2(decoded.macaroon));
}

/**
 * The macaroon v2 binary format (libmacaroons, pymacaroons BinarySerializer): version byte 2, then
 * fields `type, uvarint length, bytes` (end-of-section is a bare 0). Written here because
 * `macaroon` 3.0.4's exportBinary doubles its buffer on every append and fails past three caveats.
 */
export function encodeMacaroonV2(macaroon: Macaroon): Uint8Array {
  const parts: number[] = [2];
  const field = (type: number, data: Uint8Array) => {
    parts.push(type);
    let length = data.length;
    while (length >= 0x80) {
      parts.push((length & 0x7f) | 0x80);
      length >>>= 7;
    }
    parts.push(length);
    for (const byte of data) parts.push(byte);
  };
  const text = new TextEncoder();
  if (macaroon.location) field(1, text.encode(macaroon.location));
  field(2, macaroon.identifier);
  parts.push(0);
  for (const caveat of macaroon.caveats) {
    if (caveat.location) field(1, text.encode(caveat.location));
    field(2, caveat.identifier);
    if (caveat.vid) field(4, caveat.vid);
    parts.push(0);
  }
  parts.push(0);
  field(6, macaroon.signature);
  return Uint8Array.from(parts);
}
