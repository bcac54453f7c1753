/**
 * Unit specs live beside the code; HTTP and client suites under test/.
 *
 * E2E projects:
 * - `e2e`: every suite except the heavy per-database ones below. A per-database suite (it uses
 *   `forEachDatabase` or `testDatabases`) runs on SQLite and MariaDB one after the other in one file,
 *   which loads the application once instead of once per database.
 * - `e2e-sqlite` and `e2e-mysql`: the heavy per-database suites, one project per database, so
 *   Jest's workers run the two databases of one of them at the same time.
 */
const fs = require('node:fs');
const path = require('node:path');
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }] };
const moduleNameMapper = pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' });

function e2eSpecs(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : e2eSpecs(file);
    return entry.name.endsWith('.e2e-spec.ts') ? [file] : [];
  });
}
const perDatabase = e2eSpecs(path.join(__dirname, 'test')).filter((file) => /\b(forEachDatabase|testDatabases)\(/.test(fs.readFileSync(file, 'utf8')));
/** Per-database suites that take long enough on each database to be worth a worker each. */
const HEAVY = ['npm/npm-registry', 'npm/npm-bad-input', 'pypi/pip-install', 'upstream/pypi-proxy', 'upstream/npm-proxy', 'reliability/concurrent-uploads', 'foundation/rest-api'];
const heavy = perDatabase.filter((file) => HEAVY.some((name) => file.endsWith(path.join('test', `${name}.e2e-spec.ts`))));
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const onlyFiles = (files) => ({ testRegex: files.length ? files.map((file) => `^${escape(file)}$`) : ['^$'] });
const e2e = (displayName, database, files) => ({
  displayName,
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
  ...(database ? { setupFiles: [`<rootDir>/test/support/project-database.${database}.js`] } : {}),
  ...files,
});

module.exports = {
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/apps/api/src/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
    },
    e2e('e2e', undefined, { testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], testPathIgnorePatterns: ['/node_modules/', ...heavy.map((file) => `^${escape(file)}$`)] }),
    e2e('e2e-sqlite', 'sqlite', onlyFiles(heavy)),
    e2e('e2e-mysql', 'mysql', onlyFiles(heavy)),
  ],
};
