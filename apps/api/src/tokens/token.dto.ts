import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsDateString, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';

/** `expiresAt: "never"`: a token without expiry (installation admins only). */
export const NEVER_EXPIRES = 'never';

export class CreateTokenDto {
  @ApiProperty({ example: 'ci-upload' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  @Matches(/^[^\u0000-\u001f]+$/, { message: 'name must not contain control characters' })
  name: string;

  @ApiProperty({ example: ['api', 'pypi:read'], type: [String] })
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  roles: string[];

  @ApiPropertyOptional({
    example: '2027-01-31T00:00:00Z',
    description:
      'ISO 8601 date-time, at most PACKGATE_MAX_TOKEN_DAYS (default 365) days away; omitted → one year (or that limit) from now; the literal "never" (no expiry) and dates beyond the limit are for installation admins only. A token creating a token cannot give it a later expiry than its own.',
  })
  @IsOptional()
  @ValidateIf((_dto, value) => value !== NEVER_EXPIRES)
  @IsDateString({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time or "never"' })
  expiresAt?: string;

  @ApiPropertyOptional({ description: 'create the token for another member (org:admin only)', example: 'admin' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  username?: string;
}

export class TokenDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String] }) roles: string[];
  @ApiProperty() username: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: Date }) expiresAt: Date | null;
  @ApiProperty({ nullable: true, type: Date }) lastUsedAt: Date | null;
}

export class IssuedTokenDto extends TokenDto {
  @ApiProperty({ description: 'The secret. Shown this once; store it now.', example: 'pgt_AgEIcGFja2dhdGUC...' })
  token: string;
}

export class InspectTokenDto {
  @ApiProperty({ example: 'pgt_AgEIcGFja2dhdGUC...' })
  @IsString()
  @MaxLength(8192)
  token: string;
}

export class TokenInspectionDto {
  @ApiProperty() valid: boolean;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional() id?: string;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() owner?: string;
  @ApiPropertyOptional() org?: string;
  @ApiPropertyOptional({ type: [String], description: 'roles after capping by the owner and the caveats' }) effectiveRoles?: string[];
  @ApiProperty({ type: [String] }) caveats: string[];
  @ApiPropertyOptional({ nullable: true, type: Date }) expiresAt?: Date | null;
}
