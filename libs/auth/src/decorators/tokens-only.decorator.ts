import { SetMetadata } from '@nestjs/common';
import type { Request } from 'express';

export const TOKENS_ONLY = 'packgate:tokens-only';

/**
 * Marks a controller or route that never accepts a user name and password (npm): Basic
 * `user:password` is refused with `refusal` before anything is looked up or hashed, so the route is
 * no password-guessing surface and costs no argon2 run.
 */
export const TokensOnly = (refusal: string) => SetMetadata(TOKENS_ONLY, refusal);

type TokensOnlyRequest = Request & { _packgateTokensOnly?: string };

/** Set by the auth group guard when the matched route carries @TokensOnly(). */
export function markTokensOnlyRoute(req: Request, refusal: string): void {
  (req as TokensOnlyRequest)._packgateTokensOnly = refusal;
}

/** Why passwords are refused on this request's route, or undefined when they are accepted. */
export function tokensOnlyRefusal(req: Request): string | undefined {
  return (req as TokensOnlyRequest)._packgateTokensOnly;
}
