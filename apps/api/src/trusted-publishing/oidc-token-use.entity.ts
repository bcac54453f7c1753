import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One exchanged OIDC ID token: its `jti` may not be used again until the ID token expires, across
 * restarts and nodes (the primary key makes the claim atomic). It also remembers the minted token,
 * so expired minted token records can be deleted.
 */
@Entity('oidc_token_use')
export class OidcTokenUse {
  /** sha256 hex of `issuer \n jti`. */
  @PrimaryColumn({ name: 'jti_key', type: 'varchar', length: 64 })
  jtiKey: string;

  /** When the ID token expires (plus the tolerated skew): the row may go after this. */
  @Index('IDX_oidc_token_use_expires')
  @Column({ name: 'expires_at', type: 'datetime' })
  expiresAt: Date;

  @Column({ name: 'token_id', type: 'varchar', length: 36, nullable: true })
  tokenId: string | null;

  @Index('IDX_oidc_token_use_token_expires')
  @Column({ name: 'token_expires_at', type: 'datetime', nullable: true })
  tokenExpiresAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime' })
  createdAt: Date;
}
