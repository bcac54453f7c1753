import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '@packgate/auth';

/** Content stored once per digest and shared by every file that has these bytes. */
@Entity('blob')
export class Blob {
  @PrimaryColumn({ type: 'varchar', length: 150 })
  digest: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  size: number;

  /** Number of package files (and, later, manifests) that point at this blob. */
  @Column({ name: 'ref_count', type: 'integer', default: 0 })
  refCount: number;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
