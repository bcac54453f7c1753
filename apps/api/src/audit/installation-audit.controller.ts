import { Controller, Get, Query } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditService, RequireInstallationAccess, RestApi } from '@packgate/auth';
import { AuditEventDto, AuditQueryDto } from './audit.controller';

/** Events that belong to no org: logins (and their failures), user creation and changes, throttling. */
@ApiTags('audit')
@ApiCookieAuth()
@RestApi()
@Controller('api/v1/audit')
export class InstallationAuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @RequireInstallationAccess('installation:read-audit')
  @ApiOperation({ summary: 'Installation-level audit events (no org), newest first (installation admin, dashboard session)' })
  @ApiOkResponse({ type: [AuditEventDto] })
  async list(@Query() query: AuditQueryDto): Promise<AuditEventDto[]> {
    const events = await this.audit.list({ org: null, action: query.action, result: query.result, actor: query.actor, limit: query.limit ?? 100, beforeId: query.before });
    return events.map(({ id, createdAt, actor, action, resource, result, ip, details }) => ({ id, createdAt, actor, action, resource, result, ip, details }));
  }
}
