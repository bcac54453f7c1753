import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { jsonText } from './column-types';
import { Organization } from './organization.entity';
import { User } from './user.entity';

/**
 * A root token. The secret is never stored: the macaroon's root key is derived from the server
 * secret, the id and `nonce`, so rotating the nonce kills the token and everything
 * derived from it.
 */
@Entity('access_token')
@Index('IDX_access_token_org_user', ['orgId', 'userId'])
export class AccessToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_access_token_user' })
  user?: User;

  @Column({ name: 'org_id', type: 'integer' })
  orgId: number;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'FK_access_token_org' })
  org?: Organization;

  @Column({ type: 'varchar', length: 128 })
  name: string;

  @Column({ type: 'text', transformer: jsonText<string[]>([]) })
  roles: string[];

  @Column({ type: 'varchar', length: 64 })
  nonce: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'datetime', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'last_used_at', type: 'datetime', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'rotated_at', type: 'datetime', nullable: true })
  rotatedAt: Date | null;
}
