import { Readable } from 'node:stream';
import { IdentityService, PackageType } from '@packgate/auth';
import { BLOB_STORE, BlobStore, PackageService, normalizePackageName } from '@packgate/registries/core';
import type { TestServer } from './server';

/**
 * Stores a package file through the core package service (the same path a format upload takes
 * after parsing), for suites that need packages without a particular client.
 */
export async function seedPackage(server: TestServer, input: { org?: string; type: PackageType; name: string; version?: string; filename?: string; content?: string }): Promise<void> {
  const identity = server.app.get(IdentityService);
  const packages = server.app.get(PackageService);
  const blobs = server.app.get<BlobStore>(BLOB_STORE);
  const org = await identity.findOrg(input.org ?? 'default');
  if (!org) throw new Error(`no org ${input.org}`);
  const version = input.version ?? '1.0.0';
  const staged = await blobs.stage(Readable.from([Buffer.from(input.content ?? `${input.name} ${version}`)]));
  await packages.addFile({
    orgId: org.id,
    type: input.type,
    name: input.name,
    normalizedName: normalizePackageName(input.type, input.name),
    version,
    versionMetadata: {},
    filename: input.filename ?? `${input.name.replace(/[^a-z0-9]+/gi, '_')}-${version}.tar.gz`,
    staged,
    fileMetadata: {},
  });
}
