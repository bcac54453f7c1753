import { BadRequestException, Body, ConflictException, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AuditService,
  CurrentPrincipal,
  IdentityService,
  Principal,
  RequireInstallationAccess,
  RequireOrgAccess,
  RestApi,
  TOKEN_ONLY_ROLES,
  can,
} from '@packgate/auth';
import { CreateOrgDto, MemberDto, OrgDto, RESERVED_SLUGS, RoleDto, SetMemberDto } from './org.dto';
import { OrgLookupService } from './org-lookup.service';
import { OrgRolesService } from './org-roles.service';

@ApiTags('orgs')
@ApiCookieAuth()
@ApiBearerAuth()
@RestApi()
@Controller('api/v1/orgs')
export class OrgsController {
  constructor(
    private readonly identity: IdentityService,
    private readonly orgs: OrgLookupService,
    private readonly roles: OrgRolesService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Orgs you belong to (all orgs for an installation admin), with your roles' })
  @ApiOkResponse({ type: [OrgDto] })
  async list(@CurrentPrincipal() principal: Principal): Promise<OrgDto[]> {
    if (principal.kind === 'token') return [{ slug: principal.org, roles: [...principal.tokenRoles].sort() }];
    if (principal.kind !== 'user') return [];
    const all = can(principal, { action: 'installation:manage-orgs', resource: { kind: 'installation' } }).allowed ? await this.identity.listOrgs() : [];
    const slugs = new Set([...principal.memberships.keys(), ...all.map((org) => org.slug)]);
    return [...slugs].sort().map((slug) => ({ slug, roles: [...(principal.memberships.get(slug) ?? [])].sort() }));
  }

  @Post()
  @RequireInstallationAccess('installation:manage-orgs')
  @ApiOperation({ summary: 'Create an org (installation admin); the creator becomes org:admin' })
  @ApiCreatedResponse({ type: OrgDto })
  async create(@Body() body: CreateOrgDto, @CurrentPrincipal() principal: Principal): Promise<OrgDto> {
    if (RESERVED_SLUGS.has(body.slug)) throw new BadRequestException(`slug ${body.slug} is reserved`);
    if (await this.identity.findOrg(body.slug)) throw new ConflictException(`org ${body.slug} already exists`);
    const org = await this.identity.createOrg(body.slug);
    if (principal.kind !== 'user') throw new BadRequestException('only users create orgs');
    const roles = ['dashboard', 'org:admin'];
    await this.identity.setMembership(principal.userId, org.id, roles);
    await this.audit.record({ org: org.slug, principal, action: 'org.created', resource: `org:${org.slug}`, result: 'success' });
    return { slug: org.slug, roles };
  }

  @Get(':org/roles')
  @RequireOrgAccess('org:view')
  @ApiOperation({ summary: 'Roles of the org: standard roles plus package-level roles of packages in package mode that you may see' })
  @ApiOkResponse({ type: [RoleDto] })
  async listRoles(@Param('org') slug: string, @CurrentPrincipal() principal: Principal): Promise<RoleDto[]> {
    return this.roles.listFor((await this.orgs.require(slug)).id, slug, principal);
  }

  @Get(':org/members')
  @RequireOrgAccess('org:view')
  @ApiOperation({ summary: 'Members of the org and their roles' })
  @ApiOkResponse({ type: [MemberDto] })
  async listMembers(@Param('org') slug: string): Promise<MemberDto[]> {
    const org = await this.orgs.require(slug);
    return (await this.identity.listMembers(org.id)).map(({ user, roles }) => ({ username: user.username, roles: [...roles].sort(), isAdmin: user.isAdmin }));
  }

  @Put(':org/members/:username')
  @RequireOrgAccess('org:manage-members')
  @ApiOperation({ summary: 'Add a member or replace their roles (org:admin)' })
  @ApiOkResponse({ type: MemberDto })
  async setMember(@Param('org') slug: string, @Param('username') username: string, @Body() body: SetMemberDto, @CurrentPrincipal() principal: Principal): Promise<MemberDto> {
    const org = await this.orgs.require(slug);
    const user = await this.identity.findUserByUsername(username);
    if (!user) throw new NotFoundException(`no user ${username}`);
    const known = await this.roles.names(org.id);
    const invalid = body.roles.filter((role) => !known.has(role) || TOKEN_ONLY_ROLES.includes(role));
    if (invalid.length > 0) throw new BadRequestException([`roles not assignable to users in ${slug}: ${invalid.join(', ')}`]);
    if (principal.kind === 'user' && principal.userId === user.id && !body.roles.includes('org:admin') && !can(principal, { action: 'installation:manage-users', resource: { kind: 'installation' } }).allowed) {
      throw new BadRequestException(['you cannot remove org:admin from yourself']);
    }
    await this.identity.setMembership(user.id, org.id, body.roles);
    await this.audit.record({ org: slug, principal, action: 'member.updated', resource: `user:${username}`, result: 'success', details: { roles: body.roles } });
    return { username, roles: [...new Set(body.roles)].sort(), isAdmin: user.isAdmin };
  }

  @Delete(':org/members/:username')
  @HttpCode(204)
  @RequireOrgAccess('org:manage-members')
  @ApiOperation({ summary: 'Remove a member (org:admin)' })
  @ApiNoContentResponse()
  async removeMember(@Param('org') slug: string, @Param('username') username: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    const org = await this.orgs.require(slug);
    const user = await this.identity.findUserByUsername(username);
    if (!user || !(await this.identity.removeMembership(user.id, org.id))) throw new NotFoundException(`${username} is not a member of ${slug}`);
    await this.audit.record({ org: slug, principal, action: 'member.removed', resource: `user:${username}`, result: 'success' });
  }
}
