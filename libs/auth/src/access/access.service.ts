import { Injectable } from '@nestjs/common';
import { PermissionDeniedError } from '../errors';
import type { AccessRequest } from './access-request';
import { Decision, can } from './evaluator';
import type { Principal } from './principal';

/** The evaluator as an injectable: services call `assert` and let the format's filter answer. */
@Injectable()
export class AccessService {
  can(principal: Principal, request: AccessRequest): Decision {
    return can(principal, request);
  }

  assert(principal: Principal, request: AccessRequest): void {
    const decision = can(principal, request);
    if (!decision.allowed) throw new PermissionDeniedError(decision.reason, principal.kind === 'anonymous');
  }
}
