import { OciError } from '../errors';
import { isDigest } from './names';

/**
 * Validation of pushed manifests (OCI image-spec manifest/index, Docker schema 2 manifest/list,
 * distribution `docs/content/spec/manifest-v2-2.md`). Pure: takes the raw bytes and the request's
 * Content-Type, returns what the registry must check and record. The bytes are stored unchanged.
 */
export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

const IMAGE_MANIFESTS: readonly string[] = [MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest];
const INDEXES: readonly string[] = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList];

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface ParsedManifest {
  mediaType: string;
  kind: 'manifest' | 'index';
  /** Blobs that must exist in the repository (config, layers). */
  blobs: Descriptor[];
  /** Manifests that must exist in the repository (index entries). */
  manifests: Descriptor[];
  subject: Descriptor | null;
  artifactType: string | null;
  annotations: Record<string, string> | null;
}

export function parseManifest(bytes: Buffer, contentType: string | undefined): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid('manifest is not valid JSON');
  }
  if (!isObject(doc)) throw invalid('manifest must be a JSON object');
  if (doc.schemaVersion !== 2) throw invalid('only schemaVersion 2 manifests are supported');
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const header = contentType?.split(';')[0].trim().toLowerCase() || undefined;
  const mediaType = header && header !== 'application/json' && header !== 'application/octet-stream' ? header : declared;
  if (!mediaType) throw invalid('manifest media type unknown: send Content-Type or mediaType');
  if (declared !== undefined && declared !== mediaType) throw invalid(`mediaType "${declared.slice(0, 100)}" does not match Content-Type "${mediaType.slice(0, 100)}"`);
  const subject = doc.subject === undefined || doc.subject === null ? null : descriptor(doc.subject, 'subject');
  const artifactType = typeof doc.artifactType === 'string' ? mediaTypeOf(doc.artifactType, 'artifactType') : null;
  const annotations = stringMap(doc.annotations);
  if (IMAGE_MANIFESTS.includes(mediaType)) {
    const config = descriptor(doc.config, 'config')!;
    if (!Array.isArray(doc.layers)) throw invalid('manifest needs a layers array');
    const layers = doc.layers.map((layer, index) => descriptor(layer, `layers[${index}]`, true)).filter((layer): layer is Descriptor => layer !== null);
    return { mediaType, kind: 'manifest', blobs: [config, ...layers], manifests: [], subject, artifactType: artifactType ?? mediaTypeOf(config.mediaType, 'config.mediaType'), annotations };
  }
  if (INDEXES.includes(mediaType)) {
    if (!Array.isArray(doc.manifests)) throw invalid('index needs a manifests array');
    const manifests = doc.manifests.map((entry, index) => descriptor(entry, `manifests[${index}]`)!);
    return { mediaType, kind: 'index', blobs: [], manifests, subject, artifactType, annotations };
  }
  throw invalid(`unsupported manifest media type "${mediaType.slice(0, 100)}"`);
}

/** `foreign` layers (Docker `urls`, non-distributable) are not required to be in the registry. */
function descriptor(value: unknown, where: string, allowForeign = false): Descriptor | null {
  if (!isObject(value)) throw invalid(`${where} must be a descriptor object`);
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string' || mediaType === '') throw invalid(`${where}.mediaType missing`);
  if (typeof digest !== 'string' || !isDigest(digest)) throw invalid(`${where}.digest is not a digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalid(`${where}.size must be a non-negative integer`);
  if (allowForeign && Array.isArray(value.urls) && value.urls.length > 0) return null;
  return { mediaType, digest, size };
}

/** A media type is at most 255 characters (RFC 6838: 127 each side of the slash); the artifact type is stored in columns of that size. */
function mediaTypeOf(value: string, where: string): string {
  if (value.length > 255) throw invalid(`${where} is longer than 255 characters`);
  return value;
}

function stringMap(value: unknown): Record<string, string> | null {
  if (!isObject(value)) return null;
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) if (typeof item === 'string') out[key] = item;
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): OciError {
  return new OciError('MANIFEST_INVALID', message);
}
