import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

export class YankReleaseDto {
  @ApiProperty({ description: 'true yanks the release (PEP 592: pip skips it unless pinned), false restores it' })
  @IsBoolean()
  yanked: boolean;

  @ApiPropertyOptional({ description: 'Shown by pip when a pinned yanked release is installed', maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  yankedReason?: string;
}

export class PypiReleaseFileDto {
  @ApiProperty() filename: string;
  @ApiProperty() size: number;
  @ApiProperty() sha256: string;
}

export class PypiReleaseDto {
  @ApiProperty() name: string;
  @ApiProperty() version: string;
  @ApiProperty() yanked: boolean;
  @ApiProperty({ type: String, nullable: true }) yankedReason: string | null;
  @ApiProperty({ type: [PypiReleaseFileDto] }) files: PypiReleaseFileDto[];
}
