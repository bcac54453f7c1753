import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Not, Repository } from 'typeorm';
import { AUTH_OPTIONS, AuthOptions } from '../auth-options';
import { InvalidationBus } from '../cache/invalidation-bus';
import { TtlCache } from '../cache/ttl-cache';
import { Session } from '../entities/session.entity';

export const SESSION_COOKIE = 'packgate_session';

const hashId = (cookie: string) => createHash('sha256').update(cookie).digest('hex');

const SESSION = 'session.record';
const SESSIONS_OF_USER = 'session.ofUser';

/** Dashboard sessions: a random cookie value; the database keeps only its hash. */
@Injectable()
export class SessionService {
  private readonly cache: TtlCache<string, Session | null>;

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
    private readonly bus: InvalidationBus = new InvalidationBus(),
  ) {
    this.cache = new TtlCache(options.recordCacheSeconds * 1000, 20_000);
    bus.register(SESSION, this.cache);
    bus.on<{ userId: number; keep: string | null }>(SESSIONS_OF_USER, ({ userId, keep }) => this.cache.deleteWhere((key, value) => value?.userId === userId && key !== keep));
  }

  get lifetimeMs(): number {
    return this.options.sessionHours * 3600_000;
  }

  async create(userId: number): Promise<string> {
    const cookie = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.sessions.save(this.sessions.create({ idHash: hashId(cookie), userId, createdAt: now, expiresAt: new Date(now.getTime() + this.lifetimeMs) }));
    await this.sessions.delete({ expiresAt: LessThan(now) });
    return cookie;
  }

  /** The user id of a live session, or null. */
  async resolve(cookie: string): Promise<number | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(cookie)) return null;
    const idHash = hashId(cookie);
    let session = this.cache.get(idHash);
    if (session === undefined) {
      const stamp = this.cache.stamp();
      session = await this.sessions.findOne({ where: { idHash } });
      this.cache.set(idHash, session, stamp);
    }
    if (!session || session.expiresAt.getTime() <= Date.now()) return null;
    return session.userId;
  }

  async destroy(cookie: string): Promise<void> {
    const idHash = hashId(cookie);
    await this.sessions.delete({ idHash });
    this.bus.drop(SESSION, idHash);
  }

  /** Ends every session of the user except the one whose cookie is `keep` (e.g. after a password change). */
  async destroyOthersOf(userId: number, keep: string | undefined): Promise<void> {
    const keepHash = keep === undefined ? undefined : hashId(keep);
    await this.sessions.delete(keepHash === undefined ? { userId } : { userId, idHash: Not(keepHash) });
    this.bus.publish(SESSIONS_OF_USER, { userId, keep: keepHash ?? null });
  }

  async destroyAllOf(userId: number): Promise<void> {
    await this.sessions.delete({ userId });
    this.bus.publish(SESSIONS_OF_USER, { userId, keep: null });
  }
}
