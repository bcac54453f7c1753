import { SetMetadata } from '@nestjs/common';

export const IGNORES_CREDENTIALS = 'packgate:ignores-credentials';

/**
 * Marks a route whose credential travels in its body (the OIDC token exchange): the auth group
 * does not run, the request is anonymous, and an Authorization header or session cookie is neither
 * checked nor used.
 */
export const IgnoresCredentials = () => SetMetadata(IGNORES_CREDENTIALS, true);
