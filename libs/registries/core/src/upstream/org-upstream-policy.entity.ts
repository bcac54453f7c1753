import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { Organization } from '@packgate/auth';

/** Org-wide upstream settings (one row per org that changed them). */
@Entity('org_upstream_policy')
export class OrgUpstreamPolicy {
  @PrimaryColumn({ name: 'org_id', type: 'integer' })
  orgId: number;

  @OneToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id', foreignKeyConstraintName: 'FK_org_upstream_policy_org' })
  org?: Organization;

  /** Content proxied from the org's upstreams is readable without credentials. */
  @Column({ name: 'anonymous_reads', type: 'boolean', default: false })
  anonymousReads: boolean;

  @Column({ name: 'updated_at', type: 'datetime' })
  updatedAt: Date;
}
