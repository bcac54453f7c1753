import { RegistryError } from '@packgate/registries/core';

/** Basic user:password (or no usable credential kind) on an npm route: npm works with tokens only. */
export class NpmTokenRequiredError extends RegistryError {
  constructor(message: string) {
    super(message, 401, 'TOKEN_REQUIRED');
  }
}

/** A version that exists already: npm versions are immutable. */
export class VersionExistsError extends RegistryError {
  constructor(name: string, version: string) {
    super(`cannot publish over the previously published version ${name}@${version}: versions are immutable, bump the version`, 409, 'VERSION_EXISTS');
  }
}

/** How to configure npm for this registry, appended to 401 messages. */
export function tokenHint(registryUrl: string): string {
  const nerfDart = registryUrl.replace(/^https?:/, '').replace(/\/?$/, '/');
  return `create an access token with role npm:read or npm:write in the Packgate dashboard and add "${nerfDart}:_authToken=<token>" to .npmrc`;
}
