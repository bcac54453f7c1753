import { RegistryFormat } from '@packgate/auth';

/**
 * npm registry routes. npm takes access tokens only (the evaluator's `userCredentialsRefusal`): Basic
 * user:password is refused by the auth group before any user lookup or argon2 run; the npm filter
 * appends how to configure a token.
 */
export const NpmTokensOnly = () => RegistryFormat('npm');
