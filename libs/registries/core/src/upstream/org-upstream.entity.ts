import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Organization, jsonText } from '@packgate/auth';
import type { PackageType } from '@packgate/auth';

/** One upstream registry per org and format: where names the org does not publish come from. */
@Entity('org_upstream')
@Index('UQ_org_upstream_org_type', ['orgId', 'type'], { unique: true })
export class OrgUpstream {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'org_id', type: 'integer' })
  orgId: number;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'FK_org_upstream_org' })
  org?: Organization;

  @Column({ type: 'varchar', length: 16 })
  type: PackageType;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  /** Globs (`acme-*`, `@acme/*`) of names never looked up upstream. */
  @Column({ type: 'text', transformer: jsonText<string[]>([]) })
  reserved: string[];

  @Column({ name: 'metadata_ttl_seconds', type: 'integer' })
  metadataTtlSeconds: number;

  /** Docker: the path segment after the org that selects this upstream (`hub`). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  prefix: string | null;

  /** `{username, password}` sealed with AES-256-GCM (CredentialCipher); null when anonymous. */
  @Column({ type: 'text', nullable: true })
  credentials: string | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}
