import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Organization, User, jsonText } from '@packgate/auth';

/**
 * A CI identity an org admin trusts: OIDC ID tokens from `issuer` for `audience` whose claims all
 * match `claims` may be exchanged for a short-lived token with `roles` (and a `packages` caveat),
 * owned by the admin who created the publisher.
 */
@Entity('trusted_publisher')
@Index('UQ_trusted_publisher_org_name', ['orgId', 'name'], { unique: true })
export class TrustedPublisher {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'org_id', type: 'integer' })
  orgId: number;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'FK_trusted_publisher_org' })
  org?: Organization;

  @Column({ type: 'varchar', length: 128 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  issuer: string;

  @Column({ type: 'varchar', length: 255 })
  audience: string;

  /** claim name → expected value (`*` glob). */
  @Column({ type: 'text', transformer: jsonText<Record<string, string>>({}) })
  claims: Record<string, string>;

  @Column({ type: 'text', transformer: jsonText<string[]>([]) })
  roles: string[];

  /** Entries of the `packages` caveat put on minted tokens; empty: no caveat. */
  @Column({ type: 'text', transformer: jsonText<string[]>([]) })
  packages: string[];

  @Column({ name: 'token_lifetime_seconds', type: 'integer' })
  tokenLifetimeSeconds: number;

  @Index('IDX_trusted_publisher_created_by')
  @Column({ name: 'created_by', type: 'integer' })
  createdBy: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'FK_trusted_publisher_user' })
  creator?: User;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
