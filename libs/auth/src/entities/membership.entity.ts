import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from './column-types';
import { Organization } from './organization.entity';
import { User } from './user.entity';

@Entity('membership')
@Index('UQ_membership_user_org', ['userId', 'orgId'], { unique: true })
export class Membership {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_membership_user' })
  user?: User;

  @Index('IDX_membership_org')
  @Column({ name: 'org_id', type: 'integer' })
  orgId: number;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'FK_membership_org' })
  org?: Organization;

  @Column({ type: 'text', transformer: jsonText<string[]>([]) })
  roles: string[];

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
