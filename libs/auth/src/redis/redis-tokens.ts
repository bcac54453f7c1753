/** Injection token of the node's RedisLink, or null when PACKGATE_REDIS_URL is not set. */
export const REDIS_LINK = Symbol('REDIS_LINK');
