import { MigrationInterface, QueryRunner } from 'typeorm';

type Rename = (slug: string, name: string) => string | null;

/** `team/app` in org `team` → `app`; anything not under the org is left alone. */
const dropOrg: Rename = (slug, name) => (name.startsWith(`${slug}/`) && name.length > slug.length + 1 ? name.slice(slug.length + 1) : null);
const addOrg: Rename = (slug, name) => `${slug}/${name}`;

/**
 * Docker package names drop the org: image `team/app` in org `team` becomes package `app`, like
 * PyPI and npm names. Renames the package rows and the package-level roles that name them
 * (`docker:team/app:read` → `docker:app:read`) in memberships and tokens. Token caveats live in
 * the macaroons themselves and cannot be rewritten here.
 */
export class DockerNamesWithoutOrg1764800000500 implements MigrationInterface {
  name = 'DockerNamesWithoutOrg1764800000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await rename(queryRunner, dropOrg, 'ASC');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await rename(queryRunner, addOrg, 'DESC');
  }
}

/**
 * Shorter names first on the way up (`team/x` → `x` frees `team/x` for `team/team/x`), longer
 * first on the way down, so the unique (org, type, name) index never sees two equal names.
 */
async function rename(queryRunner: QueryRunner, change: Rename, order: 'ASC' | 'DESC'): Promise<void> {
  const packages: { id: number; name: string; normalized_name: string; slug: string }[] = await queryRunner.query(
    `SELECT p.id, p.name, p.normalized_name, o.slug FROM package p INNER JOIN organization o ON o.id = p.org_id WHERE p.type = 'docker'`,
  );
  packages.sort((a, b) => (order === 'ASC' ? 1 : -1) * (a.normalized_name.length - b.normalized_name.length));
  for (const row of packages) {
    const normalized = change(row.slug, row.normalized_name);
    if (normalized === null) continue;
    await queryRunner.query('UPDATE package SET name = ?, normalized_name = ? WHERE id = ?', [change(row.slug, row.name) ?? normalized, normalized, row.id]);
  }
  for (const table of ['membership', 'access_token']) {
    const rows: { id: number | string; roles: string | null; slug: string }[] = await queryRunner.query(
      `SELECT t.id, t.roles, o.slug FROM ${table} t INNER JOIN organization o ON o.id = t.org_id`,
    );
    for (const row of rows) {
      if (!row.roles) continue;
      const roles = JSON.parse(row.roles) as unknown;
      if (!Array.isArray(roles)) continue;
      let changed = false;
      const next = roles.map((role: unknown) => {
        const renamed = typeof role === 'string' ? renameRole(role, row.slug, change) : null;
        if (renamed === null) return role;
        changed = true;
        return renamed;
      });
      if (changed) await queryRunner.query(`UPDATE ${table} SET roles = ? WHERE id = ?`, [JSON.stringify(next), row.id]);
    }
  }
}

/** `docker:<name>:<level>` with the name changed, or null when the role is no Docker package role or stays. */
function renameRole(role: string, slug: string, change: Rename): string | null {
  const match = /^docker:(.+):(read|write)$/.exec(role);
  if (!match) return null;
  const name = change(slug, match[1]);
  return name === null ? null : `docker:${name}:${match[2]}`;
}
