import { normalizePypiName } from '@packgate/registries/core';
import { filenameProblem } from '../wire/distribution-filename';

/**
 * A project page of an upstream simple index (PEP 691 JSON or PEP 503 HTML), reduced to what
 * Packgate passes on. Entries Packgate cannot verify or store are left out: no sha256, or a
 * filename that is not a plain wheel/sdist name. Pure.
 */
export interface UpstreamProjectFile {
  filename: string;
  /** Absolute URL of the file on the upstream (fragment removed). */
  url: string;
  sha256: string;
  requiresPython: string | null;
  /** sha256 of the core metadata (PEP 658/714) when the upstream serves it with a hash. */
  coreMetadataSha256: string | null;
  yanked: false | string;
  size?: number;
  uploadTime?: Date;
}

export interface UpstreamProject {
  name: string;
  versions: string[] | null;
  files: UpstreamProjectFile[];
}

const SHA256 = /^[a-f0-9]{64}$/;

export function parseUpstreamProject(body: Buffer, contentType: string, pageUrl: string, fallbackName: string): UpstreamProject {
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type.endsWith('+json') || type === 'application/json') return parseJson(body.toString('utf8'), pageUrl, fallbackName);
  return parseHtml(body.toString('utf8'), pageUrl, fallbackName);
}

function absolute(href: string, base: string): string | null {
  try {
    const url = new URL(href, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url.toString();
  } catch {
    return null;
  }
}

function usable(file: Partial<UpstreamProjectFile>): file is UpstreamProjectFile {
  return typeof file.filename === 'string' && filenameProblem(file.filename) === null && typeof file.url === 'string' && typeof file.sha256 === 'string' && SHA256.test(file.sha256);
}

function metadataHash(value: unknown): string | null {
  if (value && typeof value === 'object') {
    const sha = (value as Record<string, unknown>).sha256;
    return typeof sha === 'string' && SHA256.test(sha.toLowerCase()) ? sha.toLowerCase() : null;
  }
  return null;
}

function parseJson(text: string, pageUrl: string, fallbackName: string): UpstreamProject {
  const doc = JSON.parse(text) as Record<string, unknown>;
  const files: UpstreamProjectFile[] = [];
  for (const raw of Array.isArray(doc.files) ? (doc.files as Record<string, unknown>[]) : []) {
    if (!raw || typeof raw !== 'object') continue;
    const hashes = raw.hashes && typeof raw.hashes === 'object' ? (raw.hashes as Record<string, unknown>) : {};
    const url = typeof raw.url === 'string' ? absolute(raw.url, pageUrl) : null;
    const yanked = raw.yanked === true ? '' : typeof raw.yanked === 'string' ? raw.yanked : false;
    const uploadTime = typeof raw['upload-time'] === 'string' ? new Date(raw['upload-time']) : undefined;
    const file: Partial<UpstreamProjectFile> = {
      filename: typeof raw.filename === 'string' ? raw.filename : undefined,
      url: url ?? undefined,
      sha256: typeof hashes.sha256 === 'string' ? hashes.sha256.toLowerCase() : undefined,
      requiresPython: typeof raw['requires-python'] === 'string' ? raw['requires-python'] : null,
      coreMetadataSha256: metadataHash(raw['core-metadata'] ?? raw['dist-info-metadata'] ?? raw['data-dist-info-metadata']),
      yanked,
      ...(typeof raw.size === 'number' && Number.isSafeInteger(raw.size) && raw.size >= 0 ? { size: raw.size } : {}),
      ...(uploadTime && !Number.isNaN(uploadTime.getTime()) ? { uploadTime } : {}),
    };
    if (usable(file)) files.push(file);
  }
  const versions = Array.isArray(doc.versions) ? (doc.versions as unknown[]).filter((v): v is string => typeof v === 'string' && v.length <= 128) : null;
  const name = typeof doc.name === 'string' ? doc.name : fallbackName;
  return { name: normalizePypiName(name) === normalizePypiName(fallbackName) ? name : fallbackName, versions, files };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function unescapeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,5});/gi, (whole, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' || entity[1] === 'X' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

const ATTRIBUTE = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const match of tag.matchAll(ATTRIBUTE)) out.set(match[1].toLowerCase(), unescapeHtml(match[2] ?? match[3] ?? match[4] ?? ''));
  return out;
}

/** Anchors of a PEP 503 page, scanned linearly (no backtracking over the document). */
function parseHtml(text: string, pageUrl: string, fallbackName: string): UpstreamProject {
  const lower = text.toLowerCase();
  const base = (() => {
    const at = lower.indexOf('<base ');
    if (at < 0) return pageUrl;
    const end = lower.indexOf('>', at);
    const href = end > at ? attributes(text.slice(at + 5, end)).get('href') : undefined;
    return (href && absolute(href, pageUrl)) ?? pageUrl;
  })();
  const files: UpstreamProjectFile[] = [];
  let at = 0;
  for (;;) {
    const start = lower.indexOf('<a', at);
    if (start < 0) break;
    const close = lower.indexOf('>', start);
    if (close < 0) break;
    at = close + 1;
    if (!/\s/.test(lower[start + 2] ?? '') || close - start > 16 * 1024) continue;
    const attrs = attributes(text.slice(start + 2, close));
    const endTag = lower.indexOf('</a', close);
    const label = unescapeHtml(text.slice(close + 1, endTag < 0 ? close + 1 : endTag)).trim();
    const href = attrs.get('href');
    if (!href) continue;
    const fragment = href.includes('#') ? href.slice(href.indexOf('#') + 1) : '';
    const sha = /(?:^|&)sha256=([a-fA-F0-9]{64})(?:&|$)/.exec(fragment)?.[1]?.toLowerCase();
    const url = absolute(href, base);
    const metadata = attrs.get('data-core-metadata') ?? attrs.get('data-dist-info-metadata');
    const metadataSha = metadata ? /^sha256=([a-fA-F0-9]{64})$/.exec(metadata)?.[1]?.toLowerCase() ?? null : null;
    const filename = label || (url ? decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') : '');
    const file: Partial<UpstreamProjectFile> = {
      filename,
      url: url ?? undefined,
      sha256: sha,
      requiresPython: attrs.get('data-requires-python') ?? null,
      coreMetadataSha256: metadataSha,
      yanked: attrs.has('data-yanked') ? attrs.get('data-yanked')! : false,
    };
    if (usable(file)) files.push(file);
  }
  return { name: fallbackName, versions: null, files };
}

const SDIST_SUFFIXES = ['.tar.gz', '.zip'];

/** The version a distribution filename carries, given its project's normalized name. */
export function versionFromFilename(filename: string, normalizedName: string): string | null {
  if (filename.endsWith('.whl')) {
    const parts = filename.slice(0, -4).split('-');
    return parts.length >= 5 ? parts[1] : null;
  }
  const suffix = SDIST_SUFFIXES.find((candidate) => filename.endsWith(candidate));
  if (!suffix) return null;
  const stem = filename.slice(0, -suffix.length);
  for (let i = stem.indexOf('-'); i > 0; i = stem.indexOf('-', i + 1)) {
    if (normalizePypiName(stem.slice(0, i)) === normalizedName) return stem.slice(i + 1) || null;
  }
  return null;
}
