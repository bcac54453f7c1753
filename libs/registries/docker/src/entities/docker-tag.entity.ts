import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Package } from '@packgate/registries/core';

/**
 * A tag → manifest digest in one repository. Tags are case-sensitive but MySQL's default collation
 * is not, so uniqueness rides on `name_key` (hex sha256 of the tag) rather than on `name`.
 */
@Entity('docker_tag')
@Index('UQ_docker_tag_package_key', ['packageId', 'nameKey'], { unique: true })
@Index('IDX_docker_tag_package_digest', ['packageId', 'manifestDigest'])
export class DockerTag {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'package_id', type: 'integer' })
  packageId: number;

  @ManyToOne(() => Package, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'package_id', foreignKeyConstraintName: 'FK_docker_tag_package' })
  package?: Package;

  @Column({ type: 'varchar', length: 128 })
  name: string;

  @Column({ name: 'name_key', type: 'varchar', length: 64 })
  nameKey: string;

  @Column({ name: 'manifest_digest', type: 'varchar', length: 150 })
  manifestDigest: string;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}
