import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { getPrincipal } from '@packgate/auth';
import { NpmTokenRequiredError, tokenHint } from './npm-errors';
import { registryUrl } from './npm-urls';

/**
 * npm routes take access tokens only (design.md §3): Basic user:password is authenticated by the
 * global auth group like everywhere else, and refused here with a message saying what to do.
 */
@Injectable()
export class NpmCredentialsGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const principal = getPrincipal(req);
    if (principal.kind === 'user' && principal.via === 'password') {
      const url = registryUrl(`${req.protocol}://${req.get('host') ?? 'HOST'}`, String(req.params.org ?? 'ORG'));
      throw new NpmTokenRequiredError(`npm needs an access token: user name and password (Basic auth, _auth or _password in .npmrc) are not accepted by the npm registry; ${tokenHint(url)}`);
    }
    return true;
  }
}
