import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AuditService, RequireOrgAccess, RestApi } from '@packgate/auth';

export class AuditQueryDto {
  @ApiPropertyOptional({ example: 'token.create', description: 'prefix of the action (token.create finds token.created)' }) @IsOptional() @IsString() @MaxLength(64) action?: string;
  @ApiPropertyOptional({ enum: ['success', 'failure', 'denied'] }) @IsOptional() @IsIn(['success', 'failure', 'denied']) result?: 'success' | 'failure' | 'denied';
  @ApiPropertyOptional({ description: 'substring of the actor label' }) @IsOptional() @IsString() @MaxLength(100) actor?: string;
  @ApiPropertyOptional({ default: 100, maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ description: 'page: events older than this id' }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) before?: number;
}

export class AuditEventDto {
  @ApiProperty() id: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() actor: string;
  @ApiProperty() action: string;
  @ApiProperty() resource: string;
  @ApiProperty({ enum: ['success', 'failure', 'denied'] }) result: string;
  @ApiProperty({ nullable: true, type: String }) ip: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) details: Record<string, unknown> | null;
}

@ApiTags('audit')
@ApiCookieAuth()
@ApiBearerAuth()
@RestApi()
@Controller('api/v1/orgs/:org/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequireOrgAccess('org:read-audit')
  @ApiOperation({ summary: 'Recent audit events of the org, newest first (org:admin)' })
  @ApiOkResponse({ type: [AuditEventDto] })
  async list(@Param('org') org: string, @Query() query: AuditQueryDto): Promise<AuditEventDto[]> {
    const events = await this.audit.list({ org, action: query.action, result: query.result, actor: query.actor, limit: query.limit ?? 100, beforeId: query.before });
    return events.map(({ id, createdAt, actor, action, resource, result, ip, details }) => ({ id, createdAt, actor, action, resource, result, ip, details }));
  }
}
