import { TokensOnly } from '@packgate/auth';

/**
 * npm routes take access tokens only (design contract): Basic user:password is refused by the auth
 * group before any user lookup or argon2 run; the npm filter appends how to configure a token.
 */
export const NpmTokensOnly = () =>
  TokensOnly('npm needs an access token: user name and password (Basic auth, _auth or _password in .npmrc) are not accepted by the npm registry');
