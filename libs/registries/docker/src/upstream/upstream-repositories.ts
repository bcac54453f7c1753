import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Package, isUniqueViolation, normalizePackageName } from '@packgate/registries/core';
import { OciError } from '../errors';
import { RepositoryContext, RepositoryService } from '../services/repository.service';

/**
 * Creates the repository of a proxied name as a package with source `upstream` (private, standard
 * mode, like a pushed one), then hands over to RepositoryService for everything stored in it.
 */
@Injectable()
export class UpstreamRepositories {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repositories: RepositoryService,
  ) {}

  async ensure(ctx: RepositoryContext): Promise<Package> {
    if (ctx.pkg) return ctx.pkg;
    if (!ctx.org) throw new OciError('NAME_UNKNOWN', `organization "${ctx.repo.org}" does not exist`);
    const now = new Date();
    try {
      await this.dataSource.getRepository(Package).insert({
        orgId: ctx.org.id,
        type: 'docker',
        name: ctx.repo.packageName,
        normalizedName: normalizePackageName('docker', ctx.repo.packageName),
        private: true,
        permissionMode: 'standard',
        source: 'upstream',
        metadata: {},
        createdAt: now,
        updatedAt: now,
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const pkg = await this.repositories.ensurePackage(ctx);
    if (pkg.source !== 'upstream') throw new OciError('DENIED', `${ctx.repo.name} exists as a pushed repository and is never fetched from the upstream`);
    return pkg;
  }
}
