import { base64ToBytes, bytesToBase64, importMacaroon, newMacaroon } from 'macaroon';
import type { Macaroon } from 'macaroon';
import { MAX_TOKEN_LENGTH, TOKEN_PREFIX, TokenFormatError, attenuateToken, decodeToken, deriveRootKey, encodeMacaroonV2, looksLikeToken, mintToken, verifyTokenSignature } from './token-codec';

/** The token format of docs/architecture.md: pgt_ + base64url(macaroon v2 binary), HMAC chain over the caveats. */

type ThirdPartyCapable = { addThirdPartyCaveat(rootKey: Uint8Array, id: string, location: string): void };

const SECRET = Buffer.from('0123456789abcdef0123456789abcdef');
const ID = '6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f';
const NONCE = 'nonce-1';
const rootKey = () => deriveRootKey(SECRET, ID, NONCE);

const bytesOf = (token: string) => base64ToBytes(token.slice(TOKEN_PREFIX.length));
const tokenOf = (bytes: Uint8Array) => TOKEN_PREFIX + bytesToBase64(bytes);
const verifies = (token: string, key = rootKey()) => {
  try {
    verifyTokenSignature(decodeToken(token), key);
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(TokenFormatError);
    return false;
  }
};

describe('mint and decode', () => {
  it('round-trips the identifier with no caveats; the text is pgt_ + unpadded base64url', () => {
    const token = mintToken(SECRET, ID, NONCE);
    expect(token).toMatch(/^pgt_[A-Za-z0-9_-]+$/);
    expect(looksLikeToken(token)).toBe(true);
    const decoded = decodeToken(token);
    expect(decoded.tokenId).toBe(ID);
    expect(decoded.conditions).toEqual([]);
    expect(verifies(token)).toBe(true);
  });

  it('the root key depends on secret, id and nonce', () => {
    const token = mintToken(SECRET, ID, NONCE);
    expect(verifies(token, deriveRootKey(SECRET, ID, 'nonce-2'))).toBe(false);
    expect(verifies(token, deriveRootKey(Buffer.from('another secret, 32 bytes long!!!'), ID, NONCE))).toBe(false);
  });

  it('accepts surrounding whitespace after the prefix (copy-paste) but nothing else', () => {
    const token = mintToken(SECRET, ID, NONCE);
    expect(decodeToken(`${token}\n`).tokenId).toBe(ID);
    expect(() => decodeToken(token.replace('pgt_', 'pgx_'))).toThrow(/must start with pgt_/);
  });
});

describe('attenuation', () => {
  it('appends caveats offline; the result still verifies against the same root key', () => {
    const parent = mintToken(SECRET, ID, NONCE);
    const child = attenuateToken(parent, ['expires=2000000000', 'actions=read']);
    const grandchild = attenuateToken(child, ['packages=pypi:demo-*']);
    expect(decodeToken(child).conditions).toEqual(['expires=2000000000', 'actions=read']);
    expect(decodeToken(grandchild).conditions).toEqual(['expires=2000000000', 'actions=read', 'packages=pypi:demo-*']);
    expect(verifies(child)).toBe(true);
    expect(verifies(grandchild)).toBe(true);
    expect(child).not.toBe(parent);
  });

  it('a caveat cannot be dropped: the parent signature does not fit the child caveats and vice versa', () => {
    const parent = mintToken(SECRET, ID, NONCE);
    const child = attenuateToken(parent, ['actions=read']);
    const childMacaroon = decodeToken(child).macaroon as Macaroon;
    const parentSignature = decodeToken(parent).macaroon.signature;
    const bytes = bytesOf(child);
    bytes.set(parentSignature, bytes.length - parentSignature.length);
    expect(verifies(tokenOf(bytes))).toBe(false);
    expect(childMacaroon.caveats).toHaveLength(1);
  });
});

describe('v2 binary encoding', () => {
  it('is byte-identical to the macaroon package for up to three caveats (where that one still works)', () => {
    const macaroon = importMacaroon(bytesOf(mintToken(SECRET, ID, NONCE))) as Macaroon;
    expect(encodeMacaroonV2(macaroon)).toEqual(macaroon.exportBinary());
    for (const condition of ['actions=read', `packages=pypi:${'y'.repeat(300)}`, 'expires=2000000000']) {
      macaroon.addFirstPartyCaveat(condition);
      expect(encodeMacaroonV2(macaroon)).toEqual(macaroon.exportBinary());
    }
    (macaroon as unknown as ThirdPartyCapable).addThirdPartyCaveat(new Uint8Array(32), 'tp', 'https://elsewhere.example');
    expect(importMacaroon(encodeMacaroonV2(macaroon)).caveats).toHaveLength(4);
  });

  it('attenuates past three caveats (the macaroon package cannot export those)', () => {
    let token = mintToken(SECRET, ID, NONCE);
    for (let i = 0; i < 12; i += 1) token = attenuateToken(token, [`expires=${2_000_000_000 + i}`]);
    expect(decodeToken(token).conditions).toHaveLength(12);
    expect(verifies(token)).toBe(true);
  });
});

describe('tampering', () => {
  it('a flipped signature bit is refused', () => {
    const bytes = bytesOf(attenuateToken(mintToken(SECRET, ID, NONCE), ['actions=read']));
    bytes[bytes.length - 1] ^= 0x01;
    expect(verifies(tokenOf(bytes))).toBe(false);
  });

  it('a changed caveat (same length) is refused', () => {
    const token = attenuateToken(mintToken(SECRET, ID, NONCE), ['roles=pypi:read']);
    const bytes = bytesOf(token);
    const text = Buffer.from(bytes).toString('latin1');
    const at = text.indexOf('pypi:read');
    expect(at).toBeGreaterThan(0);
    bytes.set(Buffer.from('npm:write'), at);
    const tampered = tokenOf(bytes);
    expect(decodeToken(tampered).conditions).toEqual(['roles=npm:write']);
    expect(verifies(tampered)).toBe(false);
  });

  it('a changed identifier is refused (it names another record, or none)', () => {
    const bytes = bytesOf(mintToken(SECRET, ID, NONCE));
    const at = Buffer.from(bytes).toString('latin1').indexOf(ID);
    bytes[at] = '7'.charCodeAt(0);
    const tampered = tokenOf(bytes);
    const decoded = decodeToken(tampered);
    expect(decoded.tokenId).not.toBe(ID);
    expect(() => verifyTokenSignature(decoded, deriveRootKey(SECRET, decoded.tokenId, NONCE))).toThrow(TokenFormatError);
  });
});

describe('malformed input', () => {
  it('refuses an overlong token before parsing it', () => {
    let token = mintToken(SECRET, ID, NONCE);
    while (token.length <= MAX_TOKEN_LENGTH) token = attenuateToken(token, [`packages=pypi:${'x'.repeat(200)}`]);
    expect(() => decodeToken(token)).toThrow(`token longer than ${MAX_TOKEN_LENGTH} characters`);
  });

  it.each([
    ['empty body', 'pgt_'],
    ['not base64url', 'pgt_abc+/def'],
    ['spaces inside', 'pgt_abc def'],
    ['random bytes', `pgt_${Buffer.from('hello world, not a macaroon').toString('base64url')}`],
    ['truncated', mintToken(SECRET, ID, NONCE).slice(0, 40)],
  ])('refuses %s', (_label, text) => {
    expect(() => decodeToken(text)).toThrow(TokenFormatError);
  });

  it('refuses caveat bytes that are not UTF-8', () => {
    const macaroon = newMacaroon({ rootKey: rootKey(), identifier: ID, location: 'packgate', version: 2 });
    macaroon.addFirstPartyCaveat(new Uint8Array([0x72, 0x6f, 0x6c, 0x65, 0x73, 0x3d, 0xff, 0xfe]));
    const token = tokenOf(macaroon.exportBinary());
    expect(() => decodeToken(token)).toThrow('token contains bytes that are not UTF-8');
  });

  it('refuses an identifier that is not a token id, and a non-UTF-8 identifier', () => {
    const other = newMacaroon({ rootKey: rootKey(), identifier: 'admin', version: 2 });
    expect(() => decodeToken(tokenOf(other.exportBinary()))).toThrow('token identifier is not a Packgate token id');
    const binary = newMacaroon({ rootKey: rootKey(), identifier: new Uint8Array([0xc3, 0x28]), version: 2 });
    expect(() => decodeToken(tokenOf(binary.exportBinary()))).toThrow('token contains bytes that are not UTF-8');
  });

  it('refuses third-party caveats', () => {
    const macaroon = importMacaroon(bytesOf(mintToken(SECRET, ID, NONCE))) as Macaroon;
    (macaroon as unknown as ThirdPartyCapable).addThirdPartyCaveat(new Uint8Array(32), 'third-party-id', 'https://elsewhere.example');
    expect(() => decodeToken(tokenOf(macaroon.exportBinary()))).toThrow('third-party caveats are not supported');
  });
});
