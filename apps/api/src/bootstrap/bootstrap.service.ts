import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { IdentityService, PasswordService } from '@packgate/auth';
import { PACKGATE_CONFIG } from '../config/config.constants';
import type { PackgateConfig } from '../config/config';

export const DEFAULT_ORG = 'default';
export const ADMIN_USERNAME = 'admin';

/**
 * First start: org `default` and user `admin` (installation admin, `org:admin` + `dashboard`). The
 * admin password is PACKGATE_ADMIN_PASSWORD or a generated one printed once to the console (not
 * to the JSON log).
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapService.name);
  /** Set when this start generated the admin password. */
  generatedAdminPassword?: string;

  constructor(
    private readonly identity: IdentityService,
    private readonly passwords: PasswordService,
    @Inject(PACKGATE_CONFIG) private readonly config: PackgateConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    let org = await this.identity.findOrg(DEFAULT_ORG);
    const admin = await this.identity.findUserByUsername(ADMIN_USERNAME);
    if (admin) return;
    org ??= await this.identity.createOrg(DEFAULT_ORG);
    const password = this.config.adminPassword ?? randomBytes(18).toString('base64url');
    const user = await this.identity.createUser({ username: ADMIN_USERNAME, passwordHash: await this.passwords.hash(password), isAdmin: true });
    await this.identity.setMembership(user.id, org.id, ['dashboard', 'org:admin']);
    this.logger.log(`created org "${DEFAULT_ORG}" and installation admin "${ADMIN_USERNAME}"`);
    if (!this.config.adminPassword) {
      this.generatedAdminPassword = password;
      process.stdout.write(
        `\n  Packgate first start: user "${ADMIN_USERNAME}" was created with the one-time password\n\n      ${password}\n\n  Log in at ${this.config.publicUrl}/ and change it (PATCH /api/v1/users/admin). It is not shown again.\n\n`,
      );
    }
  }
}
