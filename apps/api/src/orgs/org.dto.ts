import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, Matches, MaxLength } from 'class-validator';

export const ORG_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
/** Slugs that would shadow a top-level route. */
export const RESERVED_SLUGS = new Set(['api', 'v2', 'healthz', 'readyz', 'metrics', 'assets', 'static', 'favicon.ico', 'index.html']);

export class CreateOrgDto {
  @ApiProperty({ example: 'team-a' })
  @IsString()
  @Matches(ORG_SLUG_PATTERN, { message: 'slug must be 1-64 lower-case letters, digits or "-", starting and ending with a letter or digit' })
  slug: string;
}

export class OrgDto {
  @ApiProperty() slug: string;
  @ApiProperty({ type: [String], description: 'your roles in this org' }) roles: string[];
}

export class SetMemberDto {
  @ApiProperty({ example: ['dashboard', 'pypi:write', 'docker:write'], type: [String] })
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  roles: string[];
}

export class MemberDto {
  @ApiProperty() username: string;
  @ApiProperty({ type: [String] }) roles: string[];
  @ApiProperty() isAdmin: boolean;
}

export class RoleDto {
  @ApiProperty({ example: 'pypi:read' }) name: string;
  @ApiProperty({ enum: ['standard', 'package'] }) kind: 'standard' | 'package';
  @ApiProperty() description: string;
  @ApiProperty({ description: 'may be put on a membership' }) forUsers: boolean;
  @ApiProperty({ description: 'may be put on a token' }) forTokens: boolean;
}
