/**
 * `jose`, loaded on the first OIDC exchange rather than at every start: most installations never
 * exchange an ID token, and the library is some eighty modules.
 */
let loaded: typeof import('jose') | undefined;

export function jose(): typeof import('jose') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('jose') as typeof import('jose');
  return loaded;
}
