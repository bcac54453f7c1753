import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('organization')
export class Organization {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Index('UQ_organization_slug', { unique: true })
  @Column({ type: 'varchar', length: 64 })
  slug: string;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
