import type { Principal } from '../access/principal';

/**
 * What a strategy's validate() returns to Passport: a principal (success), or `[false, refusal]`.
 * A refusal without a reason means "no credentials of my kind here" (Passport moves on); one with a
 * reason means "credentials of my kind, and they are wrong".
 */
export interface Refusal {
  method: string;
  reason?: string;
}

export type StrategyResult = Principal | [false, Refusal];

export const notMine = (method: string): [false, Refusal] => [false, { method }];
export const rejected = (method: string, reason: string): [false, Refusal] => [false, { method, reason }];
