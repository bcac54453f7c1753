import { Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireInstallationAccess, RestApi } from '@packgate/auth';
import { DockerGcService } from './docker-gc.service';

class GcReportDto {
  @ApiProperty() deletedBlobs: number;
  @ApiProperty() freedBytes: number;
  @ApiProperty({ description: 'Reference counts found wrong and corrected' }) repairedCounts: number;
}

/** `POST /api/v1/admin/docker/gc`: garbage collection of unreferenced blobs (installation admins). */
@ApiTags('docker')
@ApiBearerAuth()
@ApiCookieAuth()
@RestApi()
@Controller('api/v1/admin/docker')
export class DockerGcController {
  constructor(private readonly gc: DockerGcService) {}

  @Post('gc')
  @HttpCode(200)
  @RequireInstallationAccess('installation:manage-orgs')
  @ApiOperation({ summary: 'Delete blobs that no manifest or package file references (after a grace period, default 1 hour)' })
  @ApiQuery({ name: 'graceSeconds', required: false, description: 'Only blobs uploaded longer ago than this are collected' })
  @ApiOkResponse({ type: GcReportDto })
  collect(@Query('graceSeconds') graceSeconds?: string): Promise<GcReportDto> {
    const grace = graceSeconds !== undefined && /^\d{1,9}$/.test(graceSeconds) ? Number(graceSeconds) : undefined;
    return this.gc.collect(grace);
  }
}
