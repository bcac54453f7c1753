import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Principal, principalLabel } from '../access/principal';
import { AuditEvent, AuditResult } from '../entities/audit-event.entity';

export interface AuditRecord {
  org?: string | null;
  principal: Principal;
  action: string;
  resource: string;
  result: AuditResult;
  ip?: string | null;
  details?: Record<string, unknown>;
}

const SECRET_PATTERN = /pgt_[A-Za-z0-9_-]+/g;

/** Writes audit events. Never stores secrets: anything shaped like a token is masked. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  async record(entry: AuditRecord): Promise<void> {
    const principal = entry.principal;
    const event = this.events.create({
      org: entry.org ?? null,
      userId: principal.kind === 'anonymous' ? null : principal.userId,
      tokenId: principal.kind === 'token' ? principal.tokenId : null,
      actor: principalLabel(principal).slice(0, 200),
      action: entry.action.slice(0, 64),
      resource: mask(entry.resource).slice(0, 300),
      result: entry.result,
      ip: entry.ip?.slice(0, 64) ?? null,
      details: entry.details ? (JSON.parse(mask(JSON.stringify(entry.details))) as Record<string, unknown>) : null,
      createdAt: new Date(),
    });
    try {
      await this.events.save(event);
    } catch (error) {
      this.logger.error(`audit event not stored: ${(error as Error).message}`);
    }
  }

  async list(filter: { org: string; action?: string; result?: AuditResult; actor?: string; limit: number; beforeId?: number }): Promise<AuditEvent[]> {
    const query = this.events.createQueryBuilder('event').where('event.org = :org', { org: filter.org });
    if (filter.action) query.andWhere('event.action = :action', { action: filter.action });
    if (filter.result) query.andWhere('event.result = :result', { result: filter.result });
    if (filter.actor) query.andWhere('event.actor LIKE :actor', { actor: `%${filter.actor}%` });
    if (filter.beforeId) query.andWhere('event.id < :beforeId', { beforeId: filter.beforeId });
    return query.orderBy('event.id', 'DESC').limit(filter.limit).getMany();
  }
}

function mask(text: string): string {
  return text.replace(SECRET_PATTERN, 'pgt_***');
}
