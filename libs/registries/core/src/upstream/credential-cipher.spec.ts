import { CredentialCipher } from './credential-cipher';

describe('CredentialCipher', () => {
  const cipher = new CredentialCipher(Buffer.from('a'.repeat(48)));
  const credentials = { username: 'robot', password: 's3cret:with:colons' };

  it('round-trips and never shows the password', () => {
    const sealed = cipher.seal(credentials, 'org:1\ntype:npm');
    expect(sealed).not.toContain('s3cret');
    expect(sealed).not.toContain('robot');
    expect(cipher.open(sealed, 'org:1\ntype:npm')).toEqual(credentials);
  });

  it('does not open in another context, under another secret, or when tampered with', () => {
    const sealed = cipher.seal(credentials, 'org:1\ntype:npm');
    expect(cipher.open(sealed, 'org:2\ntype:npm')).toBeNull();
    expect(new CredentialCipher(Buffer.from('b'.repeat(48))).open(sealed, 'org:1\ntype:npm')).toBeNull();
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1] ^= 1;
    expect(cipher.open(`v1.${raw.toString('base64url')}`, 'org:1\ntype:npm')).toBeNull();
    expect(cipher.open('garbage', 'org:1\ntype:npm')).toBeNull();
  });
});
