import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_CURSOR_LENGTH } from './package-list-cursor';

export const PACKAGE_PAGE_DEFAULT = 100;
export const PACKAGE_PAGE_MAX = 1000;

export class PackageListQueryDto {
  @ApiPropertyOptional({ enum: ['pypi', 'npm', 'docker'] }) @IsOptional() @IsIn(['pypi', 'npm', 'docker'], { message: 'type must be one of pypi, npm, docker' }) type?: 'pypi' | 'npm' | 'docker';
  @ApiPropertyOptional({ description: 'substring of the name' }) @IsOptional() @IsString() @MaxLength(255) q?: string;
  @ApiPropertyOptional({ default: PACKAGE_PAGE_DEFAULT, minimum: 1, maximum: PACKAGE_PAGE_MAX, description: 'packages per page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PACKAGE_PAGE_MAX)
  limit?: number;
  @ApiPropertyOptional({ description: 'page: the cursor of the `Link: <…>; rel="next"` header of the previous page (opaque)' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH)
  after?: string;
}

export class UpdatePackageDto {
  @ApiPropertyOptional({ description: 'false makes the package readable with no credentials at all (writes unaffected)' })
  @IsOptional()
  @IsBoolean()
  private?: boolean;

  @ApiPropertyOptional({ enum: ['standard', 'package'], description: 'package: only the roles <type>:<name>:read|write count for this package' })
  @IsOptional()
  @IsIn(['standard', 'package'])
  permissionMode?: 'standard' | 'package';
}

export class PackageSummaryDto {
  @ApiProperty({ enum: ['pypi', 'npm', 'docker'] }) type: string;
  @ApiProperty() name: string;
  @ApiProperty() normalizedName: string;
  @ApiProperty() private: boolean;
  @ApiProperty({ enum: ['standard', 'package'] }) permissionMode: string;
  @ApiProperty({ enum: ['local', 'upstream'], description: 'upstream: cached from the org’s upstream registry (delete it to publish a private package of this name)' }) source: string;
  @ApiProperty() versionCount: number;
  @ApiProperty({ nullable: true, type: String, description: 'the last version stored; for Docker the last image tag pushed (never an artifact tag), null when there is none' }) latestVersion: string | null;
  @ApiProperty({ description: 'bytes' }) size: number;
  @ApiProperty({ nullable: true, type: Date }) lastUpload: Date | null;
  @ApiProperty({ type: [String], description: 'package-level roles (package mode only)' }) roles: string[];
}

export class PackageFileDto {
  @ApiProperty() filename: string;
  @ApiProperty() size: number;
  @ApiProperty() sha256: string;
  @ApiProperty() createdAt: Date;
}

export class PackageVersionDto {
  @ApiProperty() version: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty() yanked: boolean;
  @ApiProperty({ nullable: true, type: String }) yankedReason: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Docker: the media type of the artifact this tag names (signature, SBOM, attestation, …); null for image tags and for PyPI and npm versions. Artifacts are never the latestVersion.',
    example: 'application/vnd.dev.cosign.simplesigning.v1+json',
  })
  artifactType: string | null;
  @ApiProperty({ type: [PackageFileDto] }) files: PackageFileDto[];
}

export class PackageDetailDto extends PackageSummaryDto {
  @ApiProperty({ type: [PackageVersionDto] }) versions: PackageVersionDto[];
}
