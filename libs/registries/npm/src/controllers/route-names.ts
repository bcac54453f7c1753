import { NotFoundError } from '@packgate/registries/core';

/**
 * A package name from route parameters: `:name` (npm sends scoped names as one segment,
 * `@scope%2fname`, decoded by Express) or `:scope/:name` (a literal slash, as in tarball URLs).
 */
export function routeName(params: { scope?: string; name: string }): string {
  if (params.scope === undefined) return params.name;
  if (!params.scope.startsWith('@')) throw new NotFoundError('not found');
  return `${params.scope}/${params.name}`;
}
