import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { bigintNumber, jsonText } from '@packgate/auth';
import { Package, StagedBlobRecord } from '@packgate/registries/core';

/**
 * A resumable blob upload (POST … PATCH … PUT). Its bytes sit in blob-store staging, one staged
 * part per PATCH; this row names the parts and their digests so any node, or this one after a
 * restart, can continue the upload at `size` and finish it without the client starting over.
 */
@Entity('docker_upload_session')
@Index('IDX_docker_upload_session_activity', ['lastActivity'])
export class DockerUploadSession {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'package_id', type: 'integer' })
  packageId: number;

  @ManyToOne(() => Package, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'package_id', foreignKeyConstraintName: 'FK_docker_upload_session_package' })
  package?: Package;

  @Column({ type: 'varchar', length: 255 })
  repository: string;

  @Column({ name: 'address_by', type: 'varchar', length: 8 })
  addressBy: string;

  /** Bytes received so far (the next chunk starts here). */
  @Column({ type: 'bigint', transformer: bigintNumber })
  size: number;

  @Column({ type: 'text', transformer: jsonText<StagedBlobRecord[]>([]) })
  parts: StagedBlobRecord[];

  @Column({ name: 'last_activity', type: 'datetime' })
  lastActivity: Date;
}
