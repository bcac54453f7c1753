import { RegistryError } from '../errors';

/**
 * The upstream could not give what was asked: unreachable, too slow, an unexpected status, a
 * document too large, bytes that do not match the upstream's digest. Every format's filter answers
 * 502 with the message, which names the upstream by host only (never a URL with credentials).
 */
export class UpstreamError extends RegistryError {
  constructor(
    readonly host: string,
    detail: string,
    code = 'UPSTREAM_FAILED',
  ) {
    super(`upstream ${host}: ${detail}`, 502, code);
  }
}

/** Downloaded bytes did not match the digest the upstream published; nothing was stored. */
export class UpstreamIntegrityError extends UpstreamError {
  constructor(host: string, detail: string) {
    super(host, detail, 'UPSTREAM_DIGEST_MISMATCH');
  }
}
