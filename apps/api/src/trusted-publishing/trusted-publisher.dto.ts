import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

export const DEFAULT_AUDIENCE = 'packgate';
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 900;
export const MAX_TOKEN_LIFETIME_SECONDS = 3600;
export const MIN_TOKEN_LIFETIME_SECONDS = 60;

export class CreateTrustedPublisherDto {
  @ApiProperty({ example: 'acme-app-release' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[^\u0000-\u001f]+$/, { message: 'name must not contain control characters' })
  name: string;

  @ApiProperty({ example: 'https://token.actions.githubusercontent.com' })
  @IsString()
  @MaxLength(255)
  issuer: string;

  @ApiPropertyOptional({ example: DEFAULT_AUDIENCE, description: `the ID token's aud; default "${DEFAULT_AUDIENCE}"` })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  audience?: string;

  @ApiProperty({
    example: { repository: 'acme/app', ref: 'refs/heads/main' },
    description: 'claim → value; every listed claim must match exactly, `*` matches any run of characters',
  })
  @IsObject()
  claims: Record<string, string>;

  @ApiProperty({ example: ['pypi:write', 'npm:write'], type: [String], description: 'roles of the minted token (never api or feed)' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  roles: string[];

  @ApiPropertyOptional({ example: ['pypi:app', 'npm:@acme/*'], type: [String], description: 'packages caveat of the minted token (type:name-glob)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(300, { each: true })
  packages?: string[];

  @ApiPropertyOptional({ example: DEFAULT_TOKEN_LIFETIME_SECONDS, minimum: MIN_TOKEN_LIFETIME_SECONDS, maximum: MAX_TOKEN_LIFETIME_SECONDS })
  @IsOptional()
  @IsInt()
  @Min(MIN_TOKEN_LIFETIME_SECONDS)
  @Max(MAX_TOKEN_LIFETIME_SECONDS)
  tokenLifetimeSeconds?: number;
}

export class TrustedPublisherDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() issuer: string;
  @ApiProperty() audience: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) claims: Record<string, string>;
  @ApiProperty({ type: [String] }) roles: string[];
  @ApiProperty({ type: [String] }) packages: string[];
  @ApiProperty() tokenLifetimeSeconds: number;
  @ApiProperty({ description: 'the admin who created it: minted tokens are theirs' }) createdBy: string;
  @ApiProperty() createdAt: Date;
}

export class OidcExchangeDto {
  @ApiProperty({ description: 'the OIDC ID token issued by the CI job', example: 'eyJhbGciOiJSUzI1NiIs...' })
  @IsString()
  @MinLength(1)
  @MaxLength(16384)
  token: string;
}

export class OidcExchangeResultDto {
  @ApiProperty({ description: 'a Packgate token for this job; never stored, shown this once' }) token: string;
  @ApiProperty() expiresAt: Date;
  @ApiProperty({ type: [String] }) roles: string[];
  @ApiProperty({ type: [String] }) packages: string[];
  @ApiProperty({ description: 'the publisher that matched' }) publisher: { id: string; name: string };
}
