import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from '@packgate/auth';
import { Package } from './package.entity';

@Entity('package_version')
@Index('UQ_package_version_package_version', ['packageId', 'version'], { unique: true })
@Index('IDX_package_version_package_created', ['packageId', 'createdAt'])
@Index('IDX_package_version_package_artifact', ['packageId', 'artifactType'])
export class PackageVersion {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'package_id', type: 'integer' })
  packageId: number;

  @ManyToOne(() => Package, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'package_id', foreignKeyConstraintName: 'FK_package_version_package' })
  package?: Package;

  @Column({ type: 'varchar', length: 128 })
  version: string;

  /** Format metadata kept as sent (PyPI core metadata fields, the npm version manifest, ...). */
  @Column({ type: 'text', transformer: jsonText<Record<string, unknown>>({}) })
  metadata: Record<string, unknown>;

  /**
   * Set when the version is an artifact attached to other content rather than something to install
   * (a Docker tag naming a signature, SBOM or attestation): its media type. Such versions are
   * listed but never a package's latest. A column, not metadata, so that "latest" stays an
   * index-only query.
   */
  @Column({ name: 'artifact_type', type: 'varchar', length: 255, nullable: true })
  artifactType: string | null;

  @Column({ type: 'boolean', default: false })
  yanked: boolean;

  @Column({ name: 'yanked_reason', type: 'varchar', length: 255, nullable: true })
  yankedReason: string | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
