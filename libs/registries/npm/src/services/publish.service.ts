import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { AuditService, Principal, RequestMeta } from '@packgate/auth';
import { BLOB_STORE, BlobStore, ConflictError, InvalidInputError, Package, PackageService, normalizePackageName } from '@packgate/registries/core';
import { MetadataEdit, planMetadataEdit } from '../wire/metadata-edit';
import { NpmAccessService, NpmTarget } from './npm-access.service';
import { VersionExistsError } from '../npm-errors';
import { tarballFilename } from '../wire/npm-names';
import { NPM_OPTIONS, NpmOptions } from '../npm-options';
import { npmMetadata, pruneDistTags } from '../wire/package-metadata';
import { readPublishBody } from '../wire/publish-body-reader';
import { PublishPlan, hasAttachments, integrityOf, planPublish, verifyTarball } from '../wire/publish-document';

export interface PutResult {
  ok: true;
  id: string;
  rev?: string;
  created: boolean;
}

/**
 * `PUT /<name>` and `PUT /<name>/-rev/<rev>`: a publish when the document carries a tarball, else a
 * metadata edit (deprecate, unpublish of versions). Write access is checked before the body is read.
 */
@Injectable()
export class PublishService {
  constructor(
    private readonly access: NpmAccessService,
    private readonly packages: PackageService,
    private readonly audit: AuditService,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(NPM_OPTIONS) private readonly options: NpmOptions,
  ) {}

  /** `body` is the raw publish request (Node's message: headers and byte stream); `meta` names the caller for the audit trail. */
  async put(principal: Principal, slug: string, nameText: string, body: IncomingMessage, meta: RequestMeta, allowRemoval: boolean): Promise<PutResult> {
    const target = await this.access.writable(principal, slug, nameText);
    const received = await readPublishBody(body, this.blobs, this.options.maxBodyBytes);
    if (!received.staged && !hasAttachments(received.doc)) return this.edit(principal, target, received.doc, allowRemoval, meta);
    try {
      if (!received.staged) throw new InvalidInputError('the attachment carries no data', 'BAD_BASE64');
      const plan = planPublish(received.doc, target.name, received.attachmentKey);
      verifyTarball(plan, { size: received.staged.size, sha512: received.staged.hashes.sha512!, sha1: received.staged.hashes.sha1! });
      if (target.pkg && (await this.packages.findVersion(target.pkg.id, plan.version))) throw new VersionExistsError(target.name.full, plan.version);
      return await this.publish(principal, target, plan, received.staged, meta);
    } catch (error) {
      await received.staged?.discard();
      if (error instanceof ConflictError && error.code === 'FILE_EXISTS') throw new VersionExistsError(target.name.full, String((received.doc.versions && Object.keys(received.doc.versions)[0]) ?? ''));
      await this.audit.record({ org: target.org.slug, principal, action: 'npm.publish', resource: `npm:${target.name.full}`, result: 'failure', ip: meta.ip, details: { reason: (error as Error).message.slice(0, 300) } });
      throw error;
    }
  }

  private async publish(principal: Principal, target: NpmTarget, plan: PublishPlan, staged: NonNullable<Awaited<ReturnType<typeof readPublishBody>>['staged']>, meta: RequestMeta): Promise<PutResult> {
    const integrity = integrityOf(staged.hashes.sha512!);
    const shasum = staged.hashes.sha1!;
    const dist: Record<string, unknown> = { ...((plan.manifest.dist as Record<string, unknown>) ?? {}), integrity, shasum };
    delete dist.tarball;
    const manifest: Record<string, unknown> = { ...plan.manifest, dist, _npmUser: { name: principal.kind === 'anonymous' ? 'anonymous' : principal.username } };
    const stored = await this.packages.addFile({
      orgId: target.org.id,
      type: 'npm',
      name: target.name.full,
      normalizedName: normalizePackageName('npm', target.name.full),
      version: plan.version,
      versionMetadata: manifest,
      filename: tarballFilename(target.name, plan.version),
      staged,
      fileMetadata: { integrity, shasum },
    });
    // Under the package row's lock: concurrent publishes each add their tags, none is lost.
    await this.packages.updateMetadataWith(stored.pkg, (current) => {
      const meta = npmMetadata({ ...stored.pkg, metadata: current } as Package);
      for (const tag of plan.tags) meta['dist-tags'][tag] = plan.version;
      if (!meta['dist-tags'].latest) meta['dist-tags'].latest = plan.version;
      if (plan.readme !== undefined && meta['dist-tags'].latest === plan.version) meta.readme = plan.readme.slice(0, 1024 * 1024);
      meta.rev += 1;
      return { ...meta };
    });
    await this.audit.record({
      org: target.org.slug,
      principal,
      action: 'npm.publish',
      resource: `npm:${target.name.full}@${plan.version}`,
      result: 'success',
      ip: meta.ip,
      details: { size: staged.size, integrity, tags: plan.tags, createdPackage: stored.created.package },
    });
    return { ok: true, id: target.name.full, created: stored.created.package };
  }

  private async edit(principal: Principal, target: NpmTarget, doc: Record<string, unknown>, allowRemoval: boolean, meta: RequestMeta): Promise<PutResult> {
    if (!target.pkg) throw new InvalidInputError(`package ${target.name.full} does not exist: a first publish must carry its tarball`);
    const detail = await this.packages.detail(target.pkg);
    const stored = new Map(detail.versions.map(({ version }) => [version.version, version.metadata]));
    const edit: MetadataEdit = planMetadataEdit(doc, target.name, stored, allowRemoval);
    for (const { version, message } of edit.deprecations) {
      const row = detail.versions.find((entry) => entry.version.version === version)!.version;
      const metadata = { ...row.metadata };
      if (message === null) delete metadata.deprecated;
      else metadata.deprecated = message;
      await this.packages.updateVersion(row, { metadata });
    }
    const remaining = [...stored.keys()].filter((version) => !edit.removals.includes(version));
    if (edit.removals.length > 0 && remaining.length === 0) {
      await this.packages.deletePackage(target.pkg);
    } else {
      for (const version of edit.removals) await this.packages.deleteVersion(detail.versions.find((entry) => entry.version.version === version)!.version);
      await this.touch(target.pkg, remaining);
    }
    const ip = meta.ip;
    for (const { version, message } of edit.deprecations) {
      await this.audit.record({ org: target.org.slug, principal, action: message === null ? 'npm.undeprecate' : 'npm.deprecate', resource: `npm:${target.name.full}@${version}`, result: 'success', ip, details: message ? { message: message.slice(0, 200) } : undefined });
    }
    for (const version of edit.removals) {
      await this.audit.record({ org: target.org.slug, principal, action: 'npm.unpublish', resource: `npm:${target.name.full}@${version}`, result: 'success', ip });
    }
    return { ok: true, id: target.name.full, created: false };
  }

  /** Records a change: prunes dist-tags to the versions left and bumps the revision. */
  async touch(pkg: Package, versions: string[]): Promise<void> {
    await this.packages.updateMetadataWith(pkg, (current) => {
      const meta = npmMetadata({ ...pkg, metadata: current } as Package);
      meta['dist-tags'] = pruneDistTags(meta['dist-tags'], versions);
      meta.rev += 1;
      return { ...meta };
    });
  }
}
