import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService, PermissionDeniedError, Principal, RequestMeta } from '@packgate/auth';
import { BLOB_STORE, BlobStore, ConflictError, DigestMismatchError, InvalidInputError, NotFoundError, Package, PackageAccess, PackageRefusal, PackageService, normalizePypiName, sourceConflict } from '@packgate/registries/core';
import { sameVersion } from '../wire/pep440';
import { parseMetadataHeaders, readWheelMetadata } from '../wire/wheel-metadata';
import { pypiTarget } from './pypi-projects.service';
import { PypiIndexService } from './pypi-index.service';
import { PYPI_OPTIONS, PypiOptions } from '../pypi-options';
import { matchDistributionFilename } from '../wire/distribution-filename';
import { ReceivedFile, receiveUpload } from '../wire/multipart-upload';
import { UploadForm, parseUploadForm } from '../wire/upload-form';

export type UploadOutcome = { status: 'stored'; filename: string } | { status: 'unchanged'; filename: string };

/**
 * The legacy upload API (twine): authorise, stream the file into staging while hashing, check the
 * form, the filename and the digests, read a wheel's METADATA (PEP 658), then store package →
 * version → file → blob in one transaction. Any refusal discards the staged bytes: nothing stored.
 */
@Injectable()
export class PypiUploadService {
  constructor(
    private readonly packages: PackageService,
    private readonly access: PackageAccess,
    private readonly audit: AuditService,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(PYPI_OPTIONS) private readonly options: PypiOptions,
    private readonly index: PypiIndexService,
  ) {}

  /** `body` is the raw multipart request (Node's message: headers and byte stream); `meta` names the caller for the audit trail. */
  async upload(principal: Principal, slug: string, body: IncomingMessage, meta: RequestMeta): Promise<UploadOutcome> {
    // Writes are never anonymous: challenge before reading the body.
    if (principal.kind === 'anonymous') throw new PermissionDeniedError('authentication required', true);
    const org = await this.access.findOrg(slug);
    if (!org) throw new NotFoundError(`Not Found: no org ${slug}`);
    let authorizedName: string | undefined;
    const authorize = async (name: string) => {
      const normalized = normalizePypiName(name);
      if (authorizedName === normalized) return;
      const pkg = await this.packages.findPackage({ orgId: org.id, type: 'pypi', normalizedName: normalized });
      try {
        // twine shows the reason: a project the uploader may not read is refused with 403, not hidden.
        this.access.check(principal, pypiTarget(slug, name), pkg, 'package:write', { hide: false });
        // A name served from the upstream cache is not published over (dependency confusion).
        const conflict = pkg && sourceConflict(pkg, 'local');
        if (conflict) throw conflict;
      } catch (error) {
        if (error instanceof PackageRefusal) await this.audit.record({ org: slug, principal, action: 'pypi.upload', resource: `pypi:${normalized}`, result: 'failure', ip: meta.ip, details: { reason: error.reason } });
        throw error;
      }
      authorizedName = normalized;
    };
    const received = await receiveUpload(body, this.blobs, this.options, async (fields) => {
      const name = fields.get('name')?.[0];
      if (name && name.length <= 200) await authorize(name);
    });
    const file = received.file;
    try {
      if (!file) throw new InvalidInputError('missing the content file part');
      const form = parseUploadForm(received.fields);
      await authorize(form.name);
      const match = matchDistributionFilename(file.filename, form);
      if (!match.ok) throw new InvalidInputError(match.reason);
      checkDigests(form, file);
      return await this.store(principal, slug, org.id, form, file, meta.ip);
    } catch (error) {
      await file?.staged.discard();
      throw error;
    }
  }

  private async store(principal: Principal, slug: string, orgId: number, form: UploadForm, file: ReceivedFile, ip: string | undefined): Promise<UploadOutcome> {
    const normalizedName = normalizePypiName(form.name);
    const existingPkg = await this.packages.findPackage({ orgId, type: 'pypi', normalizedName });
    const existing = existingPkg ? await this.packages.findFile(existingPkg.id, file.filename) : null;
    if (existing) return this.sameAsStored(orgId, normalizedName, file);
    const version = existingPkg ? await this.packages.findVersion(existingPkg.id, form.version) : null;
    const versionString = version?.version ?? (existingPkg ? await this.matchingVersion(existingPkg, form.version) : undefined) ?? form.version;
    const fileMetadata: Record<string, unknown> = {
      md5: file.staged.hashes.md5,
      filetype: form.filetype,
      pyversion: form.pyversion,
      requiresPython: form.requiresPython,
    };
    if (file.blake2b256) fileMetadata.blake2b256 = file.blake2b256;
    // The wheel is checked while still staged: refused bytes are never committed. Committed bytes
    // are never deleted by a request (a concurrent upload of the same content may reference them);
    // if nothing does, garbage collection removes them later.
    if (form.filetype === 'bdist_wheel') Object.assign(fileMetadata, await this.coreMetadata(form, file));
    try {
      const stored = await this.packages.addFile({
        orgId,
        type: 'pypi',
        name: form.name,
        normalizedName,
        version: versionString,
        versionMetadata: { ...form.metadata, name: form.name, version: form.version },
        filename: file.filename,
        staged: file.staged,
        fileMetadata,
      });
      this.index.forget(stored.pkg.id);
    } catch (error) {
      if (!(error instanceof ConflictError) || error.code !== 'FILE_EXISTS') throw error;
      // A concurrent upload stored this filename first: identical bytes are a successful re-upload.
      return this.sameAsStored(orgId, normalizedName, file);
    }
    await this.audit.record({
      org: slug,
      principal,
      action: 'pypi.upload',
      resource: `pypi:${normalizedName}/${file.filename}`,
      result: 'success',
      ip,
      details: { version: versionString, size: file.staged.size, sha256: file.staged.hashes.sha256 },
    });
    return { status: 'stored', filename: file.filename };
  }

  private async sameAsStored(orgId: number, normalizedName: string, file: ReceivedFile): Promise<UploadOutcome> {
    const pkg = await this.packages.findPackage({ orgId, type: 'pypi', normalizedName });
    const existing = pkg ? await this.packages.findFile(pkg.id, file.filename) : null;
    if (existing?.blobDigest === file.staged.digest) {
      if (await this.blobs.exists(existing.blobDigest)) await file.staged.discard();
      else await file.staged.commit(); // the stored copy went missing: this upload repairs it
      return { status: 'unchanged', filename: file.filename };
    }
    await file.staged.discard();
    throw new InvalidInputError(`File already exists: ${file.filename} (with different content)`, 'FILE_EXISTS');
  }

  /** Reuses an existing version row whose spelling differs only by PEP 440 normalisation. */
  private async matchingVersion(pkg: Package, version: string): Promise<string | undefined> {
    const detail = await this.packages.detail(pkg);
    return detail.versions.map((entry) => entry.version.version).find((candidate) => sameVersion(candidate, version));
  }

  private async coreMetadata(form: UploadForm, file: ReceivedFile): Promise<Record<string, unknown>> {
    let metadata: Buffer;
    try {
      metadata = await readWheelMetadata((start, end) => file.staged.open({ start, end }), file.staged.size, file.filename);
    } catch (error) {
      throw new InvalidInputError(`invalid wheel: ${(error as Error).message}`);
    }
    const headers = parseMetadataHeaders(metadata);
    if (!headers.name || normalizePypiName(headers.name) !== normalizePypiName(form.name)) {
      throw new InvalidInputError(`invalid wheel: METADATA names ${headers.name ?? 'no project'}, the form ${form.name}`);
    }
    if (!headers.version || !sameVersion(headers.version, form.version)) {
      throw new InvalidInputError(`invalid wheel: METADATA has version ${headers.version ?? 'none'}, the form ${form.version}`);
    }
    return { coreMetadataSha256: createHash('sha256').update(metadata).digest('hex'), coreMetadataSize: metadata.length };
  }
}

/** Every digest the client sent must match the bytes received. */
export function checkDigests(form: UploadForm, file: ReceivedFile): void {
  const { sha256, md5, blake2_256 } = form.digests;
  if (sha256 && sha256 !== file.staged.hashes.sha256) throw new DigestMismatchError(`sha256_digest does not match the file received (${file.filename}); the upload may be truncated`);
  if (md5 && md5 !== file.staged.hashes.md5) throw new DigestMismatchError(`md5_digest does not match the file received (${file.filename})`);
  if (blake2_256 && file.blake2b256 && blake2_256 !== file.blake2b256) throw new DigestMismatchError(`blake2_256_digest does not match the file received (${file.filename})`);
  if (!sha256 && !md5 && !file.blake2b256) throw new InvalidInputError('blake2_256_digest must come before the content part, or send sha256_digest');
}
