import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber, jsonText } from '@packgate/auth';
import { Package } from '@packgate/registries/core';

/**
 * A manifest (image manifest, index, artifact) stored in one repository. Its exact bytes live in the
 * blob store under `digest`; every distinct blob it references (config, layers) and its own bytes
 * hold one Blob.refCount each while the row exists.
 */
@Entity('docker_manifest')
@Index('UQ_docker_manifest_package_digest', ['packageId', 'digest'], { unique: true })
@Index('IDX_docker_manifest_package_subject', ['packageId', 'subjectDigest'])
export class DockerManifest {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'package_id', type: 'integer' })
  packageId: number;

  @ManyToOne(() => Package, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'package_id', foreignKeyConstraintName: 'FK_docker_manifest_package' })
  package?: Package;

  @Column({ type: 'varchar', length: 150 })
  digest: string;

  @Column({ name: 'media_type', type: 'varchar', length: 255 })
  mediaType: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  size: number;

  /** `artifactType`, else the config media type of an image manifest (what referrers report). */
  @Column({ name: 'artifact_type', type: 'varchar', length: 255, nullable: true })
  artifactType: string | null;

  @Column({ name: 'subject_digest', type: 'varchar', length: 150, nullable: true })
  subjectDigest: string | null;

  /** Digests of the blobs this manifest holds a reference on (config, layers). */
  @Column({ name: 'blob_refs', type: 'text', transformer: jsonText<string[]>([]) })
  blobRefs: string[];

  /** Digests of child manifests (indexes). */
  @Column({ name: 'manifest_refs', type: 'text', transformer: jsonText<string[]>([]) })
  manifestRefs: string[];

  @Column({ type: 'text', nullable: true, transformer: jsonText<Record<string, string> | null>(null) })
  annotations: Record<string, string> | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
