import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber, jsonText } from '@packgate/auth';
import { PackageVersion } from './package-version.entity';

@Entity('package_file')
@Index('UQ_package_file_package_filename', ['packageId', 'filename'], { unique: true })
@Index('IDX_package_file_package_stats', ['packageId', 'id', 'createdAt', 'size'])
export class PackageFile {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  /** Denormalised from the version so a filename is unique per package. */
  @Column({ name: 'package_id', type: 'integer' })
  packageId: number;

  @Index('IDX_package_file_version')
  @Column({ name: 'version_id', type: 'integer' })
  versionId: number;

  @ManyToOne(() => PackageVersion, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'version_id', foreignKeyConstraintName: 'FK_package_file_version' })
  version?: PackageVersion;

  @Column({ type: 'varchar', length: 255 })
  filename: string;

  /** `sha256:<hex>` of the blob holding the bytes. */
  @Index('IDX_package_file_blob')
  @Column({ name: 'blob_digest', type: 'varchar', length: 150 })
  blobDigest: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  size: number;

  /** Other digests and format details (md5, blake2b, sha512 integrity, requires-python, ...). */
  @Column({ type: 'text', transformer: jsonText<Record<string, unknown>>({}) })
  metadata: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
