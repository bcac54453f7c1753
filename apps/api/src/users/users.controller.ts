import { Body, ConflictException, Controller, ForbiddenException, Get, NotFoundException, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AuditService,
  CurrentPrincipal,
  IdentityService,
  PasswordService,
  Principal,
  RequireInstallationAccess,
  RestApi,
  SessionService,
  User,
  can,
} from '@packgate/auth';
import { CreateUserDto, UpdateUserDto, UserDto } from './user.dto';

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
  @ApiOperation({ summary: 'Change a password (yourself, or any user as installation admin) or disable a user (installation admin)' })
  @ApiOkResponse({ type: UserDto })
  async update(@Param('username') username: string, @Body() body: UpdateUserDto, @CurrentPrincipal() principal: Principal): Promise<UserDto> {
    const isAdmin = can(principal, { action: 'installation:manage-users', resource: { kind: 'installation' } }).allowed;
    const isSelf = principal.kind === 'user' && principal.username === username;
    if (!isAdmin && !(isSelf && body.disabled === undefined)) throw new ForbiddenException('only an installation admin may change other users or disable accounts');
    const user = await this.identity.findUserByUsername(username);
    if (!user) throw new NotFoundException(`no user ${username}`);
    const updated = await this.identity.updateUser(user, {
      ...(body.password !== undefined ? { passwordHash: await this.passwords.hash(body.password) } : {}),
      ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
    });
    if (body.disabled) await this.sessions.destroyAllOf(user.id);
    await this.audit.record({ principal, action: 'user.updated', resource: `user:${user.username}`, result: 'success', details: { password: body.password !== undefined, disabled: body.disabled } });
    return toDto(updated);
  }
}
