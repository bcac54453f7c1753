import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { MIN_PASSWORD_LENGTH } from '@packgate/auth';

export const USERNAME_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

export class CreateUserDto {
  @ApiProperty({ example: 'alice', description: 'lower-case letters, digits, . _ -' })
  @IsString()
  @Matches(USERNAME_PATTERN, { message: 'username must be 1-64 lower-case letters, digits, ".", "_" or "-", starting and ending with a letter or digit' })
  username: string;

  @ApiProperty({ example: 'a long passphrase', minLength: MIN_PASSWORD_LENGTH })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(1024)
  password: string;

  @ApiPropertyOptional({ description: 'installation admin' })
  @IsOptional()
  @IsBoolean()
  isAdmin?: boolean;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ description: 'your current password: required when you change your own password (installation admins resetting another user do not send it)' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  currentPassword?: string;

  @ApiPropertyOptional({ minLength: MIN_PASSWORD_LENGTH, description: 'the new password; every other session of the user ends' })
  @IsOptional()
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ description: 'installation admins only' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class UserDto {
  @ApiProperty() username: string;
  @ApiProperty() isAdmin: boolean;
  @ApiProperty() disabled: boolean;
  @ApiProperty() createdAt: Date;
}
