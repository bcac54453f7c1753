import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, MaxLength } from 'class-validator';

export class PutUpstreamDto {
  @ApiProperty({ example: 'https://pypi.org/simple', description: 'pypi: a PEP 503/691 simple index; npm: a registry; docker: a registry (http or https)' })
  @IsString()
  @MaxLength(2048)
  url: string;

  @ApiPropertyOptional({ type: [String], example: ['acme-*', '@acme/*'], description: 'name globs (* = any characters) never fetched from the upstream' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(214, { each: true })
  reserved?: string[];

  @ApiPropertyOptional({ example: 300, description: 'how long fetched metadata is served before asking the upstream again (0-604800, default 300)' })
  @IsOptional()
  @IsInt()
  metadataTtlSeconds?: number;

  @ApiPropertyOptional({ example: 'hub', description: 'docker only (required there): the path segment after the org that selects this upstream' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  prefix?: string;

  @ApiPropertyOptional({ description: 'upstream user (with password); stored encrypted, never returned. Omit both to keep the stored credentials' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  username?: string;

  @ApiPropertyOptional({ description: 'upstream password or token (with username); stored encrypted, never returned' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  password?: string;

  @ApiPropertyOptional({ description: 'true: drop the stored credentials (when no new ones are given)' })
  @IsOptional()
  @IsBoolean()
  clearCredentials?: boolean;
}

export class UpstreamDto {
  @ApiProperty({ enum: ['pypi', 'npm', 'docker'] }) type: string;
  @ApiProperty() url: string;
  @ApiProperty({ type: [String] }) reserved: string[];
  @ApiProperty() metadataTtlSeconds: number;
  @ApiProperty({ nullable: true, type: String }) prefix: string | null;
  @ApiProperty({ description: 'credentials are stored (they are never returned)' }) hasCredentials: boolean;
  @ApiProperty() updatedAt: Date;
}

export class UpstreamPolicyDto {
  @ApiProperty({ description: 'content proxied from the org’s upstreams is readable without credentials (default false)' })
  @IsBoolean()
  anonymousReads: boolean;
}
