import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export interface UpstreamCredentials {
  username: string;
  password: string;
}

const VERSION = 'v1';

/**
 * Seals upstream credentials with AES-256-GCM under a key derived from the server secret (HKDF),
 * so the database alone does not reveal them. The context (org and format) is authenticated data:
 * a sealed value copied to another org's row does not open.
 */
export class CredentialCipher {
  private readonly key: Buffer;

  constructor(secret: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.from('packgate'), Buffer.from('upstream-credentials v1'), 32));
  }

  seal(credentials: UpstreamCredentials, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** Null when the value does not open (another secret, another context, tampered). */
  open(sealed: string, context: string): UpstreamCredentials | null {
    const [version, data] = sealed.split('.');
    if (version !== VERSION || !data) return null;
    const raw = Buffer.from(data, 'base64url');
    if (raw.length < 29) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(12, 28));
      const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      const parsed = JSON.parse(text) as UpstreamCredentials;
      return typeof parsed.username === 'string' && typeof parsed.password === 'string' ? parsed : null;
    } catch {
      return null;
    }
  }
}

export const UPSTREAM_CIPHER = Symbol('UPSTREAM_CIPHER');
