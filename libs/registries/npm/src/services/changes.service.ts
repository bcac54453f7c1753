import { Injectable } from '@nestjs/common';
import { AuditService, Principal, RequestMeta } from '@packgate/auth';
import { InvalidInputError, NotFoundError, Package, PackageService } from '@packgate/registries/core';
import { NpmAccessService } from './npm-access.service';
import { checkTagName } from '../wire/publish-document';
import { npmMetadata, pruneDistTags } from '../wire/package-metadata';
import { PackumentService } from './packument.service';
import { PublishService } from './publish.service';

/** dist-tags and deletions (whole package, one tarball), each checked by the evaluator and audited. */
@Injectable()
export class ChangesService {
  constructor(
    private readonly access: NpmAccessService,
    private readonly packages: PackageService,
    private readonly publish: PublishService,
    private readonly audit: AuditService,
    private readonly packuments: PackumentService,
  ) {}

  async distTags(principal: Principal, slug: string, nameText: string): Promise<Record<string, string>> {
    const route = await this.access.readRoute(principal, slug, nameText);
    if (route.kind === 'upstream') return JSON.parse((await this.packuments.render(principal, slug, nameText, true)).body)['dist-tags'];
    const { pkg } = route;
    const versions = (await this.packages.detail(pkg)).versions.map(({ version }) => version.version);
    return pruneDistTags(npmMetadata(pkg)['dist-tags'], versions);
  }

  async setDistTag(principal: Principal, slug: string, nameText: string, tag: string, version: unknown, meta: RequestMeta): Promise<Record<string, string>> {
    const { org, name, pkg } = await this.access.existingWritable(principal, slug, nameText);
    checkTagName(tag);
    if (typeof version !== 'string') throw new InvalidInputError('the body must be a JSON string holding the version, e.g. "1.0.0"');
    if (!(await this.packages.findVersion(pkg.id, version))) throw new InvalidInputError(`version ${version.slice(0, 64)} of ${name.full} does not exist`, 'UNKNOWN_VERSION');
    const updated = await this.packages.updateMetadataWith(pkg, (current) => {
      const meta = npmMetadata({ ...pkg, metadata: current } as Package);
      meta['dist-tags'][tag] = version;
      meta.rev += 1;
      return { ...meta };
    });
    await this.audit.record({ org: org.slug, principal, action: 'npm.dist-tag-set', resource: `npm:${name.full}@${version}`, result: 'success', ip: meta.ip, details: { tag } });
    return npmMetadata(updated)['dist-tags'];
  }

  async removeDistTag(principal: Principal, slug: string, nameText: string, tag: string, meta: RequestMeta): Promise<Record<string, string>> {
    const { org, name, pkg } = await this.access.existingWritable(principal, slug, nameText);
    if (tag === 'latest') throw new InvalidInputError('the latest tag cannot be removed; point it at another version with npm dist-tag add');
    const updated = await this.packages.updateMetadataWith(pkg, (current) => {
      const meta = npmMetadata({ ...pkg, metadata: current } as Package);
      if (!(tag in meta['dist-tags'])) throw new NotFoundError(`${name.full} has no dist-tag ${tag.slice(0, 64)}`);
      delete meta['dist-tags'][tag];
      meta.rev += 1;
      return { ...meta };
    });
    await this.audit.record({ org: org.slug, principal, action: 'npm.dist-tag-removed', resource: `npm:${name.full}`, result: 'success', ip: meta.ip, details: { tag } });
    return npmMetadata(updated)['dist-tags'];
  }

  /** `npm unpublish <pkg> --force`, or the last version: `DELETE /<name>/-rev/<rev>`. */
  async unpublishPackage(principal: Principal, slug: string, nameText: string, meta: RequestMeta): Promise<void> {
    const { org, name, pkg } = await this.access.existingWritable(principal, slug, nameText);
    await this.packages.deletePackage(pkg);
    await this.audit.record({ org: org.slug, principal, action: 'npm.unpublish', resource: `npm:${name.full}`, result: 'success', ip: meta.ip, details: { wholePackage: true } });
  }

  /**
   * `DELETE /<tarball path>/-rev/<rev>` after the version was dropped from the document. The file is
   * usually gone already; answering 200 then keeps npm's output clean.
   */
  async deleteTarball(principal: Principal, slug: string, nameText: string, filename: string, meta: RequestMeta): Promise<void> {
    const { org, name, pkg } = await this.access.existingWritable(principal, slug, nameText);
    const file = await this.packages.findFile(pkg.id, filename);
    if (!file) return;
    await this.packages.deleteFile(file);
    const versions = (await this.packages.detail(pkg)).versions.map(({ version }) => version.version);
    if (versions.length === 0) await this.packages.deletePackage(pkg);
    else await this.publish.touch(pkg, versions);
    await this.audit.record({ org: org.slug, principal, action: 'npm.unpublish', resource: `npm:${name.full}/${filename}`, result: 'success', ip: meta.ip });
  }
}
