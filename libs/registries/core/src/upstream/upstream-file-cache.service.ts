import { Inject, Injectable } from '@nestjs/common';
import type { PackageFile } from '../entities';
import { ConflictError, PayloadTooLargeError } from '../errors';
import { normalizePackageName } from '../names';
import { PackageService } from '../package.service';
import { BLOB_STORE, BlobStore, HashAlgorithm } from '../storage/blob-store';
import { UpstreamClient, UpstreamRequestOptions } from './upstream-client';
import { UpstreamError, UpstreamIntegrityError } from './upstream-errors';
import { countHit, countMiss, upstreamMetrics } from './upstream-metrics';
import type { UpstreamSettings } from './upstream-settings.service';

export interface UpstreamFileRequest {
  settings: UpstreamSettings;
  /** The package name as the upstream spells it (stored on first fetch). */
  name: string;
  version: string;
  filename: string;
  /** Where the upstream serves the bytes (absolute, or relative to the upstream's URL). */
  url: string | URL;
  /** The digest the upstream published for the file (hex). The bytes must match it or nothing is stored. */
  expected: { algorithm: HashAlgorithm; hex: string };
  versionMetadata?: Record<string, unknown>;
  fileMetadata?: Record<string, unknown>;
  /** Largest file accepted. */
  maxBytes?: number;
  request?: UpstreamRequestOptions;
}

/**
 * Files of upstream packages: fetched on first request, hashed while streaming into the blob
 * store's staging area, committed and recorded (package source `upstream`) only when the digest
 * matches what the upstream published, then served from the store like any other file.
 */
@Injectable()
export class UpstreamFileCache {
  private readonly inflight = new Map<string, Promise<PackageFile>>();

  constructor(
    private readonly packages: PackageService,
    private readonly client: UpstreamClient,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  /** The stored file, fetching and verifying it first when it is not stored yet. */
  async fetch(request: UpstreamFileRequest): Promise<PackageFile> {
    const { settings } = request;
    const normalizedName = normalizePackageName(settings.type, request.name);
    const pkg = await this.packages.findPackage({ orgId: settings.orgId, type: settings.type, normalizedName });
    const existing = pkg ? await this.packages.findFile(pkg.id, request.filename) : null;
    if (existing && (await this.blobs.exists(existing.blobDigest))) {
      countHit(settings.type, 'file');
      return existing;
    }
    const key = `${settings.orgId}\n${settings.type}\n${normalizedName}\n${request.filename}`;
    let flight = this.inflight.get(key);
    if (!flight) {
      flight = this.download(request, normalizedName).finally(() => this.inflight.delete(key));
      this.inflight.set(key, flight);
    }
    return flight;
  }

  private async download(request: UpstreamFileRequest, normalizedName: string): Promise<PackageFile> {
    const { settings } = request;
    countMiss(settings.type, 'file');
    const response = await this.client.open(settings, request.url, request.request);
    if (response.status !== 200) {
      response.body.destroy();
      upstreamMetrics.errors.inc({ format: settings.type });
      throw new UpstreamError(settings.host, `answered HTTP ${response.status} for ${request.filename}`);
    }
    let staged;
    try {
      staged = await this.blobs.stage(response.body, { algorithms: [request.expected.algorithm], maxBytes: request.maxBytes });
    } catch (error) {
      response.body.destroy();
      if (error instanceof UpstreamError) throw error;
      upstreamMetrics.errors.inc({ format: settings.type });
      if (error instanceof PayloadTooLargeError) throw new UpstreamError(settings.host, `${request.filename} is larger than ${request.maxBytes} bytes`);
      throw error;
    }
    const actual = staged.hashes[request.expected.algorithm];
    if (actual !== request.expected.hex.toLowerCase()) {
      await staged.discard();
      upstreamMetrics.errors.inc({ format: settings.type });
      throw new UpstreamIntegrityError(settings.host, `${request.filename} does not match the ${request.expected.algorithm} digest the upstream published; nothing was stored`);
    }
    try {
      const stored = await this.packages.addFile({
        orgId: settings.orgId,
        type: settings.type,
        name: request.name,
        normalizedName,
        version: request.version,
        versionMetadata: request.versionMetadata ?? {},
        filename: request.filename,
        staged,
        fileMetadata: request.fileMetadata ?? {},
        source: 'upstream',
      });
      return stored.file;
    } catch (error) {
      // Another node stored it first: serve that one.
      if (error instanceof ConflictError && error.code === 'FILE_EXISTS') {
        const pkg = await this.packages.findPackage({ orgId: settings.orgId, type: settings.type, normalizedName });
        const file = pkg ? await this.packages.findFile(pkg.id, request.filename) : null;
        if (file) return file;
      }
      throw error;
    }
  }
}
