import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class MembershipDto {
  @ApiProperty({ example: 'default' }) org: string;
  @ApiProperty({ example: ['dashboard', 'pypi:write'], type: [String] }) roles: string[];
}

export class MeDto {
  @ApiProperty({ example: 'admin' }) username: string;
  @ApiProperty() isAdmin: boolean;
  @ApiProperty({ type: [MembershipDto] }) memberships: MembershipDto[];
  @ApiPropertyOptional({ description: 'Set when the caller is a token', example: 'e3b0c442-98fc-4c14-9afb-f4c8996fb924' }) tokenId?: string;
}

export class ErrorDto {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }) message: string | string[];
}
