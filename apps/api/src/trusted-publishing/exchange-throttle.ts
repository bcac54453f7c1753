import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** Exchanges per client address and minute (per node), successful or not. */
export const EXCHANGES_PER_MINUTE = 60;

/**
 * Keeps one address from hammering the exchange (each attempt can cost a signature check, a key
 * fetch from the issuer and an audit row).
 */
@Injectable()
export class ExchangeThrottle {
  private readonly limiter = new RateLimiterMemory({ points: EXCHANGES_PER_MINUTE, duration: 60 });

  async consume(ip: string | undefined): Promise<void> {
    try {
      await this.limiter.consume(ip ?? 'unknown');
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new HttpException(
        { statusCode: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests', message: `too many token exchanges from this address; retry in ${retryAfter} s`, retryAfter },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }
}
