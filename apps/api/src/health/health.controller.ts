import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PACKGATE_CONFIG } from '../config/config.constants';
import type { PackgateConfig } from '../config/config';
import { packgateVersion } from '../config/version';

const VERSION = packgateVersion();

@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(PACKGATE_CONFIG) private readonly config: PackgateConfig,
  ) {}

  @Get('healthz')
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(): Promise<{ status: string; database: string }> {
    try {
      await this.dataSource.query('SELECT 1');
      return { status: 'ok', database: 'ok' };
    } catch {
      throw new ServiceUnavailableException({ status: 'unavailable', database: 'unreachable' });
    }
  }

  @Get('api/v1/info')
  info(): { publicUrl: string; version: string } {
    return { publicUrl: this.config.publicUrl, version: VERSION };
  }
}
