import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { IdentityService, PasswordService } from '@packgate/auth';
import { PACKGATE_CONFIG } from '../config/config.constants';
import { flushLogs } from '../logging/log-destination';
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
    if (this.config.adminPassword) {
      this.logger.log(`created org "${DEFAULT_ORG}" and installation admin "${ADMIN_USERNAME}"`);
      return;
    }
    // Not logged as well: a log line written after the banner would push it out of sight.
    this.generatedAdminPassword = password;
    flushLogs();
    process.stdout.write(firstStartBanner(password, this.config.publicUrl));
  }
}

/** The one-time admin password, framed so it stands out from the log lines around it. */
export function firstStartBanner(password: string, publicUrl: string): string {
  const lines = [
    `Packgate first start: created org "${DEFAULT_ORG}" and installation admin "${ADMIN_USERNAME}".`,
    '',
    `User "${ADMIN_USERNAME}" has this one-time password:`,
    '',
    `    ${password}`,
    '',
    `Log in at ${publicUrl}/ and change it (dashboard: Change password).`,
    'It is not shown again.',
  ];
  const width = Math.max(...lines.map((line) => line.length)) + 4;
  const rule = `+${'-'.repeat(width)}+`;
  const body = lines.map((line) => `|  ${line.padEnd(width - 2)}|`);
  return `\n${[rule, ...body, rule].join('\n')}\n\n`;
}
