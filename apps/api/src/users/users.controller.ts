import { BadRequestException, Body, ConflictException, Controller, ForbiddenException, Get, NotFoundException, Param, Patch, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiBearerAuth, ApiCookieAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AuditService,
  CurrentPrincipal,
  IdentityService,
  PasswordService,
  Principal,
  RequireInstallationAccess,
  RestApi,
  SESSION_COOKIE,
  SessionService,
  User,
  can,
} from '@packgate/auth';
import { CreateUserDto, UpdateUserDto, UserDto } from './user.dto';

/** The cookie of the session making this request, if a session (not a password or token) authenticated it. */
function currentSessionCookie(req: Request, principal: Principal): string | undefined {
  if (principal.kind !== 'user' || principal.via !== 'session') return undefined;
  return (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
}

const toDto = (user: User): UserDto => ({ username: user.username, isAdmin: user.isAdmin, disabled: user.disabled, createdAt: user.createdAt });

@ApiTags('users')
@ApiCookieAuth()
@ApiBearerAuth()
@RestApi()
@Controller('api/v1/users')
export class UsersController {
  constructor(
    private readonly identity: IdentityService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @RequireInstallationAccess('installation:manage-users')
  @ApiOperation({ summary: 'List users (installation admin)' })
  @ApiOkResponse({ type: [UserDto] })
  async list(): Promise<UserDto[]> {
    return (await this.identity.listUsers()).map(toDto);
  }

  @Post()
  @RequireInstallationAccess('installation:manage-users')
  @ApiOperation({ summary: 'Create a user (installation admin)' })
  @ApiCreatedResponse({ type: UserDto })
  async create(@Body() body: CreateUserDto, @CurrentPrincipal() principal: Principal): Promise<UserDto> {
    if (await this.identity.findUserByUsername(body.username)) throw new ConflictException(`user ${body.username} already exists`);
    const user = await this.identity.createUser({ username: body.username, passwordHash: await this.passwords.hash(body.password), isAdmin: body.isAdmin ?? false });
    await this.audit.record({ principal, action: 'user.created', resource: `user:${user.username}`, result: 'success' });
    return toDto(user);
  }

  @Patch(':username')
  @ApiOperation({
    summary: 'Change a password (yourself with currentPassword, or any other user as installation admin) or disable a user (installation admin)',
    description: 'A password change ends every other session of that user; the session making the change stays.',
  })
  @ApiOkResponse({ type: UserDto })
  async update(@Param('username') username: string, @Body() body: UpdateUserDto, @CurrentPrincipal() principal: Principal, @Req() req: Request): Promise<UserDto> {
    const isAdmin = can(principal, { action: 'installation:manage-users', resource: { kind: 'installation' } }).allowed;
    const isSelf = principal.kind === 'user' && principal.username === username;
    if (!isAdmin && !(isSelf && body.disabled === undefined)) throw new ForbiddenException('only an installation admin may change other users or disable accounts');
    const user = await this.identity.findUserByUsername(username);
    if (!user) throw new NotFoundException(`no user ${username}`);
    if (isSelf && body.password !== undefined) {
      if (body.currentPassword === undefined) throw new BadRequestException('currentPassword is required to change your own password');
      if (!(await this.passwords.verify(user, body.currentPassword))) {
        await this.audit.record({ principal, action: 'user.updated', resource: `user:${user.username}`, result: 'denied', details: { reason: 'current password is wrong' } });
        throw new ForbiddenException('current password is wrong');
      }
    }
    const updated = await this.identity.updateUser(user, {
      ...(body.password !== undefined ? { passwordHash: await this.passwords.hash(body.password) } : {}),
      ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
    });
    if (body.disabled) await this.sessions.destroyAllOf(user.id);
    else if (body.password !== undefined) await this.sessions.destroyOthersOf(user.id, isSelf ? currentSessionCookie(req, principal) : undefined);
    await this.audit.record({ principal, action: 'user.updated', resource: `user:${user.username}`, result: 'success', details: { password: body.password !== undefined, disabled: body.disabled } });
    return toDto(updated);
  }
}
