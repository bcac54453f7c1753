import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessService } from './access/access.service';
import { AUTH_OPTIONS, AuthOptions } from './auth-options';
import { AuditService } from './audit/audit.service';
import { InvalidationBus } from './cache/invalidation-bus';
import { RedisInvalidationTransport, invalidationChannel } from './redis/redis-invalidation-transport';
import { RedisLifecycle } from './redis/redis-lifecycle';
import type { RedisLink } from './redis/redis-link';
import { REDIS_LINK } from './redis/redis-tokens';
import { AccessToken, AuditEvent, Membership, Organization, Session, User } from './entities';
import { AuthGroupGuard } from './guards/auth-group.guard';
import { PermissionGuard } from './guards/permission.guard';
import { IdentityService } from './identity/identity.service';
import { PasswordLoginService } from './passwords/password-login.service';
import { PasswordService } from './passwords/password.service';
import { SessionService } from './sessions/session.service';
import { AnonymousStrategy } from './strategies/anonymous.strategy';
import { AuthStrategyRegistry } from './strategies/auth-strategy-registry';
import { BasicPasswordStrategy } from './strategies/basic-password.strategy';
import { BasicTokenStrategy } from './strategies/basic-token.strategy';
import { BearerTokenStrategy } from './strategies/bearer-token.strategy';
import { LinkTokenStrategy } from './strategies/link-token.strategy';
import { SessionStrategy } from './strategies/session.strategy';
import { AuthThrottle } from './throttle/auth-throttle.entity';
import { AuthThrottleService, LimiterFactory, THROTTLE_LIMITER_FACTORY } from './throttle/auth-throttle.service';
import { TypeOrmRateLimiter } from './throttle/typeorm-rate-limiter';
import { TokenService } from './tokens/token.service';

const SERVICES = [IdentityService, PasswordService, PasswordLoginService, AuthThrottleService, TokenService, SessionService, AuditService, AccessService, AuthStrategyRegistry];

/**
 * Identities, credentials, the auth group and the permission evaluator. Registers the two global
 * guards: the auth group (who is asking) runs before the permission guard (may they).
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: AuthOptions): DynamicModule {
    return {
      module: AuthModule,
      imports: [DiscoveryModule, TypeOrmModule.forFeature([Organization, User, Membership, AccessToken, Session, AuditEvent, AuthThrottle])],
      providers: [
        { provide: AUTH_OPTIONS, useValue: options },
        // ioredis and rate-limiter-flexible are loaded only when Redis is configured.
        { provide: REDIS_LINK, useFactory: async () => (options.redisUrl ? new (await import('./redis/redis-link')).RedisLink(options.redisUrl) : null) },
        {
          provide: InvalidationBus,
          inject: [REDIS_LINK],
          useFactory: (link: RedisLink | null) => {
            const logger = new Logger('InvalidationBus');
            return new InvalidationBus(link ? new RedisInvalidationTransport(link, invalidationChannel(options.secret)) : undefined, (message, level) => (level === 'warn' ? logger.warn(message) : logger.log(message)));
          },
        },
        RedisLifecycle,
        // Counters in Redis when configured (the database while it is unreachable), else in the database.
        {
          provide: THROTTLE_LIMITER_FACTORY,
          inject: [DataSource, REDIS_LINK],
          useFactory: async (dataSource: DataSource, link: RedisLink | null): Promise<LimiterFactory> => {
            const inDatabase: LimiterFactory = (limiter) => new TypeOrmRateLimiter(limiter, dataSource);
            return link ? (await import('./throttle/redis-rate-limiter')).redisLimiterFactory(link, inDatabase) : inDatabase;
          },
        },
        ...SERVICES,
        BearerTokenStrategy,
        BasicTokenStrategy,
        BasicPasswordStrategy,
        LinkTokenStrategy,
        SessionStrategy,
        AnonymousStrategy,
        { provide: APP_GUARD, useClass: AuthGroupGuard },
        { provide: APP_GUARD, useClass: PermissionGuard },
      ],
      exports: [AUTH_OPTIONS, REDIS_LINK, InvalidationBus, ...SERVICES, TypeOrmModule],
    };
  }
}
