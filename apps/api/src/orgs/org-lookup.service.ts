import { Injectable, NotFoundException } from '@nestjs/common';
import { IdentityService, Organization } from '@packgate/auth';

/** Resolves the `{org}` of a REST route, 404 when it does not exist. */
@Injectable()
export class OrgLookupService {
  constructor(private readonly identity: IdentityService) {}

  async require(slug: string): Promise<Organization> {
    const org = await this.identity.findOrg(slug);
    if (!org) throw new NotFoundException(`no org ${slug}`);
    return org;
  }
}
