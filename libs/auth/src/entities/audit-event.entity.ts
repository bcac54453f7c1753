import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from './column-types';

export type AuditResult = 'success' | 'failure' | 'denied';

/** Who did what to which resource, with what result. Never holds a secret. */
@Entity('audit_event')
@Index('IDX_audit_event_org_time', ['org', 'createdAt'])
@Index('IDX_audit_event_org_id', ['org', 'id'])
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  /** Org slug, or null for installation-level events. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  org: string | null;

  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId: number | null;

  @Column({ name: 'token_id', type: 'varchar', length: 36, nullable: true })
  tokenId: string | null;

  /** Human label of the actor, e.g. `user:alice` or `anonymous`. */
  @Column({ type: 'varchar', length: 200 })
  actor: string;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ type: 'varchar', length: 300 })
  resource: string;

  @Column({ type: 'varchar', length: 16 })
  result: AuditResult;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ type: 'text', nullable: true, transformer: jsonText<Record<string, unknown> | null>(null) })
  details: Record<string, unknown> | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
