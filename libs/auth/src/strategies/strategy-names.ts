/** Passport names of the strategies in the default auth group, in the order they are tried. */
export const STRATEGY = {
  bearerToken: 'packgate-bearer-token',
  basicToken: 'packgate-basic-token',
  basicPassword: 'packgate-basic-password',
  linkToken: 'packgate-link-token',
  session: 'packgate-session',
  anonymous: 'packgate-anonymous',
} as const;
