import { SetMetadata } from '@nestjs/common';
import type { PackageType } from '../access/roles';

export const REGISTRY_FORMAT = 'packgate:registry-format';

/**
 * Marks a controller or route as a registry-client route of one format. The auth group guard asks
 * the evaluator (`userCredentialsRefusal`) whether that format takes user names and passwords at all;
 * for npm it does not, so Basic `user:password` is refused before anything is looked up or hashed
 * (no password-guessing surface, no argon2 run).
 */
export const RegistryFormat = (type: PackageType) => SetMetadata(REGISTRY_FORMAT, type);
