/**
 * Unit specs live beside the code; HTTP and client suites under test/.
 *
 * The e2e suites run as two projects, one per database (`e2e` on SQLite, `e2e-mysql` on MariaDB),
 * so Jest's workers can run the two databases of one suite at the same time. A suite takes part in
 * `e2e-mysql` only if it runs per database (it uses `forEachDatabase` or `testDatabases`).
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
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const e2e = (displayName, database, testRegex) => ({
  displayName,
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
  setupFiles: [`<rootDir>/test/support/project-database.${database}.js`],
  ...testRegex,
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
    e2e('e2e', 'sqlite', { testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] }),
    e2e('e2e-mysql', 'mysql', { testRegex: perDatabase.length ? perDatabase.map((file) => `^${escape(file)}$`) : ['^$'] }),
  ],
};
