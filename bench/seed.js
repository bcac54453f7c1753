#!/usr/bin/env node
/**
 * Fills a Packgate database with many packages straight through SQL (no uploads, no blobs on disk):
 * for the scale bench (bench/scale.js) and the query-plan test. Half PyPI, half npm; every version
 * has one file row; plus audit events. Metadata reads (simple pages, packuments, REST listings)
 * work on the seeded rows; downloading a seeded file does not (its blob is not on disk).
 *
 *   npm run build:api
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/packgate PACKGATE_DATA_DIR=/tmp/pg \
 *     node bench/seed.js [--packages 10000] [--versions 100000] [--audit 100000] [--org default]
 *
 * Without DATABASE_URL the SQLite file under PACKGATE_DATA_DIR is used. Migrations run first, so an
 * empty database works; an existing one gets the rows added (names are unique per run).
 */
'use strict';
const crypto = require('node:crypto');
const path = require('node:path');

const ROWS_PER_INSERT = 500;

/**
 * Inserts the rows through a TypeORM DataSource (initialised and migrated). Returns the org and
 * the names of the packages made, so callers can pick some to read.
 */
async function seed(dataSource, { packages = 10_000, versions = 100_000, audit = 100_000, org = 'default', prefix } = {}) {
  const mysql = dataSource.options.type !== 'better-sqlite3' && dataSource.options.type !== 'sqlite';
  const q = (name) => (mysql ? `\`${name}\`` : `"${name}"`);
  const stamp = (date) => (mysql ? date.toISOString().slice(0, 19).replace('T', ' ') : date.toISOString().replace('T', ' ').replace('Z', ''));
  const run = prefix ?? `s${crypto.randomBytes(3).toString('hex')}`;
  const nextId = async (table) => Number((await dataSource.query(`SELECT COALESCE(MAX(id), 0) AS m FROM ${q(table)}`))[0].m) + 1;

  async function insert(runner, table, columns, rows) {
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const chunk = rows.slice(start, start + ROWS_PER_INSERT);
      const placeholders = chunk.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
      await runner.query(`INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) VALUES ${placeholders}`, chunk.flat());
    }
  }

  let orgRow = (await dataSource.query(`SELECT id FROM ${q('organization')} WHERE slug = ?`, [org]))[0];
  if (!orgRow) {
    await dataSource.query(`INSERT INTO ${q('organization')} (slug, created_at) VALUES (?, ?)`, [org, stamp(new Date())]);
    orgRow = (await dataSource.query(`SELECT id FROM ${q('organization')} WHERE slug = ?`, [org]))[0];
  }
  const orgId = Number(orgRow.id);
  const perPackage = Math.max(1, Math.floor(versions / packages));
  const base = Date.now() - versions * 1000;
  const names = { pypi: [], npm: [] };

  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    let packageId = await nextId('package');
    let versionId = await nextId('package_version');
    let fileId = await nextId('package_file');
    const pkgRows = [];
    const versionRows = [];
    const fileRows = [];
    const blobRows = [];
    for (let p = 0; p < packages; p++) {
      const type = p % 2 === 0 ? 'pypi' : 'npm';
      const name = `${run}-pkg-${String(p).padStart(6, '0')}`;
      names[type].push(name);
      const created = new Date(base + p * perPackage * 1000);
      const latest = `1.0.${perPackage - 1}`;
      const metadata = type === 'npm' ? { 'dist-tags': { latest }, rev: 0 } : {};
      pkgRows.push([packageId, orgId, type, name, name, p % 4 === 0 ? 0 : 1, 'standard', JSON.stringify(metadata), stamp(created), stamp(new Date(created.getTime() + perPackage * 1000))]);
      for (let v = 0; v < perPackage; v++) {
        const version = `1.0.${v}`;
        const at = stamp(new Date(created.getTime() + v * 1000));
        const manifest =
          type === 'npm'
            ? { name, version, description: `seeded package ${name}`, main: 'index.js', license: 'MIT', dependencies: { lodash: '^4.17.21' } }
            : { summary: `seeded package ${name}`, requires_python: '>=3.8' };
        versionRows.push([versionId, packageId, version, JSON.stringify(manifest), 0, null, at]);
        const filename = type === 'npm' ? `${name}-${version}.tgz` : `${name.replace(/-/g, '_')}-${version}-py3-none-any.whl`;
        const digest = crypto.createHash('sha256').update(filename).digest('hex');
        const size = 1000 + ((p * 31 + v * 17) % 100_000);
        const fileMeta =
          type === 'npm'
            ? { integrity: `sha512-${crypto.createHash('sha512').update(filename).digest('base64')}`, shasum: crypto.createHash('sha1').update(filename).digest('hex') }
            : { requiresPython: '>=3.8' };
        fileRows.push([fileId, packageId, versionId, filename, `sha256:${digest}`, size, JSON.stringify(fileMeta), at]);
        blobRows.push([`sha256:${digest}`, size, 1, at]);
        versionId++;
        fileId++;
      }
      packageId++;
    }
    await insert(runner, 'package', ['id', 'org_id', 'type', 'name', 'normalized_name', 'private', 'permission_mode', 'metadata', 'created_at', 'updated_at'], pkgRows);
    await insert(runner, 'package_version', ['id', 'package_id', 'version', 'metadata', 'yanked', 'yanked_reason', 'created_at'], versionRows);
    await insert(runner, 'package_file', ['id', 'package_id', 'version_id', 'filename', 'blob_digest', 'size', 'metadata', 'created_at'], fileRows);
    await insert(runner, 'blob', ['digest', 'size', 'ref_count', 'created_at'], blobRows);
    const auditRows = [];
    for (let a = 0; a < audit; a++) {
      const at = stamp(new Date(base + a * 100));
      const target = names.pypi[a % names.pypi.length] ?? 'none';
      auditRows.push([a % 5 === 0 ? null : a % 3 === 0 ? `${run}-other` : org, null, null, 'user:admin', a % 2 ? 'package.upload' : 'package.read', `pypi:${target}`, 'success', '127.0.0.1', null, at]);
    }
    await insert(runner, 'audit_event', ['org', 'user_id', 'token_id', 'actor', 'action', 'resource', 'result', 'ip', 'details', 'created_at'], auditRows);
    await runner.commitTransaction();
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
  // Fresh statistics so the planner sees the new row counts.
  if (mysql) await dataSource.query('ANALYZE TABLE `package`, `package_version`, `package_file`, `audit_event`, `access_token`');
  else await dataSource.query('ANALYZE');
  return { org, orgId, names, versionsPerPackage: perPackage };
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!['packages', 'versions', 'audit', 'org'].includes(key)) throw new Error(`unknown option ${argv[i]}`);
    out[key] = key === 'org' ? argv[i + 1] : Number(argv[i + 1]);
  }
  return out;
}

/** A migrated DataSource for the database the environment names (same rules as the server). */
async function openDatabase(env = process.env) {
  const dist = path.join(__dirname, '..', 'dist', 'apps', 'api', 'src');
  const { loadConfig } = require(path.join(dist, 'config', 'config.js'));
  const { dataSourceOptions, detectMysqlFlavor } = require(path.join(dist, 'database', 'data-source.js'));
  const { DataSource } = require('typeorm');
  const config = loadConfig(env);
  if (config.database.kind === 'mysql') config.database.flavor = await detectMysqlFlavor(config.database.url);
  const dataSource = new DataSource(dataSourceOptions(config));
  await dataSource.initialize();
  return dataSource;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const dataSource = await openDatabase();
  try {
    const started = Date.now();
    const result = await seed(dataSource, options);
    const count = result.names.pypi.length + result.names.npm.length;
    process.stdout.write(`seeded org ${result.org}: ${count} packages × ${result.versionsPerPackage} versions (one file each) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } finally {
    await dataSource.destroy();
  }
}

module.exports = { seed, openDatabase };

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
