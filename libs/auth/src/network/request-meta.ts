import type { Request } from 'express';
import { clientIp } from './client-address';

/**
 * What a service needs to know about the request it serves (audit rows, logs), so the Express
 * request stops at the controller.
 */
export interface RequestMeta {
  ip: string | undefined;
  /** pino-http's request id (X-Request-Id). */
  requestId: string | undefined;
}

export function requestMeta(req: Request): RequestMeta {
  const id = (req as Request & { id?: unknown }).id;
  return { ip: clientIp(req), requestId: typeof id === 'string' ? id : undefined };
}
