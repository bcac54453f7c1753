import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Principal, principalLabel } from '../access/principal';
import { AuditEvent, AuditResult } from '../entities/audit-event.entity';
import { currentRequestAddress } from './request-address';

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

/** How long repeated failures of one kind fold into one row, and how often its count is written. */
export const AUDIT_AGGREGATE_WINDOW_MS = 60_000;
const AGGREGATE_FLUSH_MS = 1_000;
const MAX_OPEN_AGGREGATES = 10_000;

interface OpenAggregate {
  /** Resolves to the row id once the first event is stored (undefined when it could not be). */
  row: Promise<number | undefined>;
  details: Record<string, unknown>;
  count: number;
  storedCount: number;
  lastAt: Date;
  windowEnds: number;
}

/**
 * Writes audit events. Never stores secrets: anything shaped like a token is masked. Repeated
 * failures (recordRepeated) fold into one row per window with a count, so a flood of wrong
 * credentials cannot push real events off the trail.
 */
@Injectable()
export class AuditService implements OnModuleDestroy {
  private readonly logger = new Logger(AuditService.name);
  private readonly open = new Map<string, OpenAggregate>();
  private flushTimer?: NodeJS.Timeout;

  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  async record(entry: AuditRecord): Promise<void> {
    await this.insert(entry);
  }

  /**
   * Like record, but events equal in org, action, result, address and `kind` (default: the
   * details) within AUDIT_AGGREGATE_WINDOW_MS become one row: `details.count` and `details.lastAt`
   * say how many and until when (written at most once a second). The resource and details of the
   * first event are kept. Callers whose details carry text the client chooses (reasons quoting a
   * token, an Origin header) pass a `kind` without it, or each request would be a row of its own.
   */
  async recordRepeated(entry: AuditRecord, kind: unknown = entry.details ?? null): Promise<void> {
    const key = JSON.stringify([entry.org ?? null, entry.action, entry.result, entry.ip ?? null, kind, entry.principal.kind]);
    const now = Date.now();
    const current = this.open.get(key);
    if (current && now < current.windowEnds) {
      current.count++;
      current.lastAt = new Date(now);
      this.scheduleFlush();
      return;
    }
    if (current) await this.flushOne(key, current);
    if (this.open.size >= MAX_OPEN_AGGREGATES) await this.flush(true);
    const details = { ...(entry.details ?? {}) };
    const aggregate: OpenAggregate = { row: Promise.resolve(undefined), details, count: 1, storedCount: 1, lastAt: new Date(now), windowEnds: now + AUDIT_AGGREGATE_WINDOW_MS };
    aggregate.row = this.insert({ ...entry, details: { ...details, count: 1 } });
    this.open.set(key, aggregate);
    await aggregate.row;
  }

  /** Writes the counts of open aggregates; `all` also closes those whose window has not ended. */
  async flush(all = false): Promise<void> {
    const now = Date.now();
    for (const [key, aggregate] of [...this.open]) {
      await this.flushOne(key, aggregate);
      if (all || now >= aggregate.windowEnds) this.open.delete(key);
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.flush(true);
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush().then(() => {
        if (this.open.size > 0 && [...this.open.values()].some((a) => a.count > a.storedCount)) this.scheduleFlush();
      });
    }, AGGREGATE_FLUSH_MS);
    this.flushTimer.unref();
  }

  private async flushOne(key: string, aggregate: OpenAggregate): Promise<void> {
    if (aggregate.count === aggregate.storedCount) return;
    const id = await aggregate.row;
    const count = aggregate.count;
    if (id === undefined) return;
    try {
      const details = JSON.parse(mask(JSON.stringify({ ...aggregate.details, count, lastAt: aggregate.lastAt.toISOString() }))) as Record<string, unknown>;
      await this.events.update({ id }, { details } as QueryDeepPartialEntity<AuditEvent>);
      aggregate.storedCount = Math.max(aggregate.storedCount, count);
    } catch (error) {
      this.logger.error(`audit aggregate ${key.slice(0, 100)} not updated: ${(error as Error).message}`);
    }
  }

  private async insert(entry: AuditRecord): Promise<number | undefined> {
    const principal = entry.principal;
    const event = this.events.create({
      org: entry.org ?? null,
      userId: principal.kind === 'anonymous' ? null : principal.userId,
      tokenId: principal.kind === 'token' ? principal.tokenId : null,
      actor: principalLabel(principal).slice(0, 200),
      action: entry.action.slice(0, 64),
      resource: mask(entry.resource).slice(0, 300),
      result: entry.result,
      ip: (entry.ip ?? currentRequestAddress())?.slice(0, 64) ?? null,
      details: entry.details ? (JSON.parse(mask(JSON.stringify(entry.details))) as Record<string, unknown>) : null,
      createdAt: new Date(),
    });
    try {
      return (await this.events.save(event)).id;
    } catch (error) {
      this.logger.error(`audit event not stored: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** `org: null`: installation-level events (logins, users, passwords). */
  async list(filter: { org: string | null; action?: string; result?: AuditResult; actor?: string; limit: number; beforeId?: number }): Promise<AuditEvent[]> {
    const query = this.events.createQueryBuilder('event');
    if (filter.org === null) query.where('event.org IS NULL');
    else query.where('event.org = :org', { org: filter.org });
    // Prefix match, so `token.create` finds `token.created`; `!` escapes the wildcards on SQLite and MariaDB alike.
    if (filter.action) query.andWhere("event.action LIKE :action ESCAPE '!'", { action: `${likeLiteral(filter.action)}%` });
    if (filter.result) query.andWhere('event.result = :result', { result: filter.result });
    if (filter.actor) query.andWhere("event.actor LIKE :actor ESCAPE '!'", { actor: `%${likeLiteral(filter.actor)}%` });
    if (filter.beforeId) query.andWhere('event.id < :beforeId', { beforeId: filter.beforeId });
    return query.orderBy('event.id', 'DESC').limit(filter.limit).getMany();
  }
}

function likeLiteral(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

function mask(text: string): string {
  return text.replace(SECRET_PATTERN, 'pgt_***');
}
