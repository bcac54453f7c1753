import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InvalidationBus, REDIS_LINK, type RedisLink } from '@packgate/auth';
import { BLOB_STORE, BlobStore } from '@packgate/registries/core';
import { PACKGATE_CONFIG } from '../config/config.constants';
import type { PackgateConfig } from '../config/config';
import { packgateVersion } from '../config/version';
import { diskState } from './disk-space';

const VERSION = packgateVersion();

export class InfoDto {
  @ApiProperty({ example: 'https://packages.example.com' }) publicUrl: string;
  @ApiProperty({ example: '0.1.0' }) version: string;
}

@ApiTags('info')
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PACKGATE_CONFIG) private readonly config: PackgateConfig,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(REDIS_LINK) private readonly redis: RedisLink | null,
    private readonly invalidations: InvalidationBus,
  ) {}

  @ApiExcludeEndpoint()
  @Get('healthz')
  health(): { status: string } {
    return { status: 'ok' };
  }

  @ApiExcludeEndpoint()
  /**
   * Ready when the database answers, the data disk has at least PACKGATE_MIN_FREE_DISK_MB free, the
   * blob store is usable and, with PACKGATE_REDIS_URL, Redis answers and this node hears the other
   * nodes' invalidations.
   */
  @Get('readyz')
  async ready(): Promise<{ status: string; database: string; disk: string; blobs: string; redis?: string }> {
    const [database, disk, blobs, redis] = await Promise.all([
      this.databaseState(),
      diskState(this.config.dataDir, this.config.minFreeDiskBytes),
      this.blobs.checkReady?.() ?? 'ok',
      this.redisState(),
    ]);
    const healthy = database === 'ok' && disk === 'ok' && blobs === 'ok' && (redis === undefined || redis === 'ok');
    const report = { status: healthy ? 'ok' : 'unavailable', database, disk, blobs, ...(redis === undefined ? {} : { redis }) };
    if (report.status !== 'ok') throw new ServiceUnavailableException(report);
    return report;
  }

  /** Undefined without PACKGATE_REDIS_URL. */
  private async redisState(): Promise<string | undefined> {
    if (!this.redis) return undefined;
    if (!(await this.redis.reachable())) return 'unreachable';
    return this.invalidations.hearing ? 'ok' : 'subscribing';
  }

  private async databaseState(): Promise<string> {
    try {
      await this.dataSource.query('SELECT 1');
      return 'ok';
    } catch {
      return 'unreachable';
    }
  }

  @Get('api/v1/info')
  @ApiOperation({ summary: 'Public URL and version of this server (no authentication)' })
  @ApiOkResponse({ type: InfoDto })
  info(): InfoDto {
    return { publicUrl: this.config.publicUrl, version: VERSION };
  }
}
