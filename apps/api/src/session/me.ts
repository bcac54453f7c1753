import type { IdentityService, Principal } from '@packgate/auth';
import type { MeDto } from '../rest/dto';

export async function describePrincipal(principal: Principal, identity: IdentityService): Promise<MeDto> {
  if (principal.kind === 'anonymous') throw new Error('anonymous principal has no profile');
  const user = await identity.findUserById(principal.userId);
  const memberships = await identity.membershipsOf(principal.userId);
  const list = [...memberships].map(([org, roles]) => ({ org, roles: [...roles].sort() }));
  return {
    username: principal.username,
    isAdmin: user?.isAdmin ?? false,
    memberships: principal.kind === 'token' ? list.filter((m) => m.org === principal.org) : list,
    ...(principal.kind === 'token' ? { tokenId: principal.tokenId } : {}),
  };
}
