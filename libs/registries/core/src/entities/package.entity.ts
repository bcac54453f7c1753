import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Organization, jsonText } from '@packgate/auth';
import type { PackageType } from '@packgate/auth';

export type PermissionMode = 'standard' | 'package';
/** `local`: published to Packgate. `upstream`: a cache of the org's upstream registry. */
export type PackageSource = 'local' | 'upstream';

@Entity('package')
@Index('UQ_package_org_type_name', ['orgId', 'type', 'normalizedName'], { unique: true })
export class Package {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'org_id', type: 'integer' })
  orgId: number;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'FK_package_org' })
  org?: Organization;

  @Column({ type: 'varchar', length: 16 })
  type: PackageType;

  /** The name as the client first sent it. */
  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** PEP 503 name for PyPI, the npm name, the full repository path for Docker. */
  @Column({ name: 'normalized_name', type: 'varchar', length: 255 })
  normalizedName: string;

  @Column({ type: 'boolean', default: true })
  private: boolean;

  @Column({ name: 'permission_mode', type: 'varchar', length: 16, default: 'standard' })
  permissionMode: PermissionMode;

  @Column({ type: 'varchar', length: 16, default: 'local' })
  source: PackageSource;

  /** Format extras that belong to the package (npm dist-tags, ...). */
  @Column({ type: 'text', transformer: jsonText<Record<string, unknown>>({}) })
  metadata: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}
