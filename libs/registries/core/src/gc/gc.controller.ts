import { BadRequestException, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireInstallationAccess, RestApi } from '@packgate/auth';
import { GarbageCollector } from './garbage-collector.service';

class GcReportDto {
  @ApiProperty() deletedBlobs: number;
  @ApiProperty() freedBytes: number;
  @ApiProperty({ description: 'Reference counts found wrong and corrected' }) repairedCounts: number;
  @ApiPropertyOptional({ description: 'With upstreamOlderThanDays: cached upstream packages dropped' }) upstreamPackages?: number;
  @ApiPropertyOptional({ description: 'With upstreamOlderThanDays: cached upstream metadata documents dropped' }) upstreamDocuments?: number;
}

/**
 * `POST /api/v1/admin/gc`: garbage collection of unreferenced blobs of every format (installation
 * admins). `POST /api/v1/admin/docker/gc` is its old name, kept as an alias for one release.
 */
@ApiTags('admin')
@ApiBearerAuth()
@ApiCookieAuth()
@RestApi()
@Controller('api/v1/admin')
export class GcController {
  constructor(private readonly gc: GarbageCollector) {}

  @Post('gc')
  @HttpCode(200)
  @RequireInstallationAccess('installation:manage-orgs')
  @ApiOperation({ summary: 'Delete blobs that no package file or manifest references (after a grace period, default 1 hour)' })
  @ApiQuery({ name: 'graceSeconds', required: false, description: 'Only blobs uploaded longer ago than this are collected' })
  @ApiQuery({ name: 'upstreamOlderThanDays', required: false, description: 'Also drop packages and metadata cached from upstreams and not fetched for this many days' })
  @ApiOkResponse({ type: GcReportDto })
  collect(@Query('graceSeconds') graceSeconds?: string, @Query('upstreamOlderThanDays') upstreamOlderThanDays?: string): Promise<GcReportDto> {
    return this.gc.collect(parseGrace(graceSeconds), { upstreamOlderThanDays: parseDays(upstreamOlderThanDays) });
  }

  @Post('docker/gc')
  @HttpCode(200)
  @RequireInstallationAccess('installation:manage-orgs')
  @ApiOperation({ summary: 'Old name of POST /api/v1/admin/gc (removed in the next release)', deprecated: true })
  @ApiQuery({ name: 'graceSeconds', required: false })
  @ApiOkResponse({ type: GcReportDto })
  collectDockerAlias(@Query('graceSeconds') graceSeconds?: string): Promise<GcReportDto> {
    return this.gc.collect(parseGrace(graceSeconds));
  }
}

function parseDays(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,5}$/.test(value)) throw new BadRequestException(['upstreamOlderThanDays must be a whole number of days']);
  return Number(value);
}

function parseGrace(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}
