import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PACKGATE_CONFIG } from '../config/config.constants';
import type { PackgateConfig } from '../config/config';
import { packgateVersion } from '../config/version';

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
  ) {}

  @ApiExcludeEndpoint()
  @Get('healthz')
  health(): { status: string } {
    return { status: 'ok' };
  }

  @ApiExcludeEndpoint()
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
  @ApiOperation({ summary: 'Public URL and version of this server (no authentication)' })
  @ApiOkResponse({ type: InfoDto })
  info(): InfoDto {
    return { publicUrl: this.config.publicUrl, version: VERSION };
  }
}
