import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Organization } from '@packgate/auth';
import type { PackageType } from '@packgate/auth';

/**
 * A metadata document fetched from an upstream (PyPI project page, npm packument, Docker tag
 * manifest), as the upstream sent it. The bytes live in the blob store (documents can be many
 * megabytes); the row says when they were fetched and until when they are fresh.
 */
@Entity('upstream_metadata')
@Index('UQ_upstream_metadata_key', ['orgId', 'type', 'cacheKey'], { unique: true })
export class UpstreamMetadata {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'org_id', type: 'integer' })
  orgId: number;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'FK_upstream_metadata_org' })
  org?: Organization;

  @Column({ type: 'varchar', length: 16 })
  type: PackageType;

  /** Chosen by the format (`simple/requests`, `packument/@acme/lib`, ...). */
  @Column({ name: 'cache_key', type: 'varchar', length: 255 })
  cacheKey: string;

  @Index('IDX_upstream_metadata_blob')
  @Column({ name: 'blob_digest', type: 'varchar', length: 150 })
  blobDigest: string;

  @Column({ name: 'content_type', type: 'varchar', length: 255 })
  contentType: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  etag: string | null;

  @Column({ name: 'fetched_at', type: 'datetime' })
  fetchedAt: Date;

  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt: Date;
}
