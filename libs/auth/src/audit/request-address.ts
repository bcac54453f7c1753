import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import { clientIp } from '../network/client-address';

const scope = new AsyncLocalStorage<string | undefined>();

/**
 * Makes the request's client address available to the audit trail, so events recorded deep in a
 * service (token and member changes from the dashboard) carry the address without threading `req`
 * through every call. Mounted after the body parsers: their stream callbacks would lose the scope.
 */
export function requestAddressScope(req: Request, _res: Response, next: NextFunction): void {
  scope.run(clientIp(req), next);
}

/** The client address of the request being handled, if any. */
export function currentRequestAddress(): string | undefined {
  return scope.getStore();
}
