import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InvalidationBus } from '../cache/invalidation-bus';
import { REDIS_LINK } from './redis-tokens';
import type { RedisLink } from './redis-link';

/** Closes the invalidation bus and the Redis connections when the application closes. */
@Injectable()
export class RedisLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly bus: InvalidationBus,
    @Inject(REDIS_LINK) private readonly link: RedisLink | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    await this.link?.close();
  }
}
