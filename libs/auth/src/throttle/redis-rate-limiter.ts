import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { RedisLink } from '../redis/redis-link';
import type { LimiterFactory } from './auth-throttle.service';

/**
 * Throttle counters in Redis, shared by every node. While Redis is unreachable each call falls back
 * at once to `fallback` (the database counters), so password checks stay throttled and never fail
 * because of Redis; counts made meanwhile stay in the database.
 */
export function redisLimiterFactory(link: RedisLink, fallback: LimiterFactory): LimiterFactory {
  return (options) =>
    new RateLimiterRedis({
      storeClient: link.commands,
      keyPrefix: `packgate:throttle:${options.keyPrefix}`,
      points: options.points,
      duration: options.duration,
      blockDuration: options.blockDuration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: fallback(options) as never,
    });
}
