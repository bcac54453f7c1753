import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../entities/column-types';

/**
 * Failed-password counters (rate-limiter-flexible store rows). The key is a hash of the limiter,
 * client address and username, so the table never holds who tried.
 */
@Entity('auth_throttle')
@Index('IDX_auth_throttle_expires', ['expiresAt'])
export class AuthThrottle {
  @PrimaryColumn({ name: 'throttle_key', type: 'varchar', length: 80 })
  key: string;

  @Column({ type: 'integer' })
  points: number;

  /** Epoch milliseconds; null never expires. */
  @Column({ name: 'expires_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  expiresAt: number | null;
}
