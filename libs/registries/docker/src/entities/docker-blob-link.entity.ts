import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Package } from '@packgate/registries/core';

/**
 * A blob made visible in one repository (uploaded, mounted, or a manifest's own bytes), like
 * distribution's repository blob links: a blob is only served through repositories it is linked to,
 * so knowing a digest never reads another repository's content. Links hold no reference count;
 * garbage collection removes the links of the blobs it deletes.
 */
@Entity('docker_blob_link')
@Index('UQ_docker_blob_link_package_digest', ['packageId', 'digest'], { unique: true })
@Index('IDX_docker_blob_link_digest', ['digest'])
export class DockerBlobLink {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'package_id', type: 'integer' })
  packageId: number;

  @ManyToOne(() => Package, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'package_id', foreignKeyConstraintName: 'FK_docker_blob_link_package' })
  package?: Package;

  @Column({ type: 'varchar', length: 150 })
  digest: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
