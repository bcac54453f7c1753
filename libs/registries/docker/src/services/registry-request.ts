import type { Request, Response } from 'express';
import type { Principal, RequestMeta } from '@packgate/auth';
import type { RegistryRoute } from '../wire/names';
import type { RepositoryContext } from './repository.service';

/** What the dispatcher hands a resource handler once the route is parsed and access is checked. */
export interface RegistryRequest<R extends RegistryRoute = RegistryRoute> {
  req: Request;
  res: Response;
  principal: Principal;
  /** Who is asking (address, request id), for the audit trail. */
  meta: RequestMeta;
  route: R;
  ctx: RepositoryContext;
}

export type RouteOf<K extends RegistryRoute['kind']> = Extract<RegistryRoute, { kind: K }>;

export function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

export function queryStrings(req: Request, name: string): string[] {
  const value = req.query[name];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}
