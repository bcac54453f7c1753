import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ApiClient, makeToken } from '../support/http';
import { TestServer, onDefaultDatabase, startServer } from '../support/server';
import { PACKGATE_CLI, REPO_ROOT, describeWithClient, missingTool, mustRun, run, snippet, tempDir, writeFiles } from './support/clients';

/**
 * yarn 1 (classic) and yarn 4 (berry), both devDependencies of the repository, configured with the
 * dashboard's snippets: yarn 1 reads the user .npmrc (token placeholder + always-auth, without
 * which it sends no token for unscoped packages); yarn 4 reads .yarnrc.yml (npmAlwaysAuth, and
 * npmMinimalAgeGate: 0 so a version published a moment ago installs).
 */
const YARN1 = path.join(REPO_ROOT, 'node_modules', 'yarn', 'bin', 'yarn.js');
const YARN4 = path.join(REPO_ROOT, 'node_modules', '@yarnpkg', 'cli-dist', 'bin', 'yarn.js');

const manifest = (name: string, extra: object = {}) => JSON.stringify({ name, version: '1.0.0', main: 'index.js', license: 'MIT', ...extra }, null, 2);

describeWithClient('yarn 1', missingTool('node', [YARN1, '--version']), () => {
  onDefaultDatabase('yarn 1 publish and install', (database) => {
    let server: TestServer;
    let token: string;
    let work: { dir: string; cleanup(): void };
    const roles = ['npm:write'];

    beforeAll(async () => {
      server = await startServer({ database });
      token = (await makeToken(await ApiClient.login(server), roles)).token;
      work = tempDir('packgate-yarn1-');
      writeFiles(path.join(work.dir, 'home'), { '.npmrc': snippet(server, '~/.npmrc (npm, pnpm, yarn 1)', roles) + '\n' });
    });
    afterAll(async () => {
      work?.cleanup();
      await server?.close();
    });

    const yarn = (cwd: string, args: string[], home = path.join(work.dir, 'home')) =>
      run('node', [YARN1, ...args, '--non-interactive', '--no-progress', '--cache-folder', path.join(work.dir, `cache-${Math.random().toString(36).slice(2)}`)], {
        cwd,
        env: { HOME: home, PACKGATE_TOKEN: token, YARN_ENABLE_TELEMETRY: '0', DISABLE_OPENCOLLECTIVE: '1' },
      });
    const project = (name: string, files: Record<string, string>) => writeFiles(path.join(work.dir, name), { '.npmrc': snippet(server, 'project .npmrc', roles) + '\n', ...files });

    it('publishes an unscoped package and installs it with the token from the user .npmrc', async () => {
      const pkg = project('y1-demo', { 'package.json': manifest('y1-demo'), 'index.js': 'module.exports = "y1-demo";\n' });
      const published = await yarn(pkg, ['publish', '--new-version', '1.0.0', '--no-git-tag-version']);
      expect(`${published.stdout}${published.stderr}`).toMatch(/success Published/);
      expect(published.code).toBe(0);

      const app = project('y1-app', { 'package.json': manifest('y1-app', { private: true, dependencies: { 'y1-demo': '1.0.0' } }) });
      const install = await yarn(app, ['install']);
      expect(install.code).toBe(0);
      expect(await mustRun('node', ['-p', 'require("y1-demo")'], { cwd: app })).toBe('y1-demo\n');
      expect(readFileSync(path.join(app, 'yarn.lock'), 'utf8')).toContain(`${server.url}/default/npm/y1-demo/-/y1-demo-1.0.0.tgz`);
    });

    it('installs with the ~/.npmrc that `packgate configure yarn` writes', async () => {
      const home = path.join(work.dir, 'home-configured');
      writeFiles(home, { 'ci.token': `${token}\n` });
      const configured = await run('node', [PACKGATE_CLI, 'configure', 'yarn', '-f', path.join(home, 'ci.token')], { env: { HOME: home, PACKGATE_URL: server.url } });
      expect(configured.code).toBe(0);
      expect(configured.stdout + configured.stderr).not.toContain(token);
      expect(readFileSync(path.join(home, '.npmrc'), 'utf8')).toContain(`//${server.host}/default/npm/:always-auth=true`);
      const app = project('y1-configured', { 'package.json': manifest('y1-configured', { private: true, dependencies: { 'y1-demo': '1.0.0' } }) });
      const install = await yarn(app, ['install'], home);
      expect(install.code).toBe(0);
      expect(await mustRun('node', ['-p', 'require("y1-demo")'], { cwd: app })).toBe('y1-demo\n');
    });

    it('sends no token for an unscoped package without always-auth (why the snippet has it)', async () => {
      const home = writeFiles(path.join(work.dir, 'home-no-always-auth'), { '.npmrc': `//${server.host}/default/npm/:_authToken=\${PACKGATE_TOKEN}\n` });
      const app = project('y1-no-always-auth', { 'package.json': manifest('y1-no-always-auth', { private: true, dependencies: { 'y1-demo': '1.0.0' } }) });
      const install = await yarn(app, ['install'], home);
      expect(install.code).not.toBe(0);
      expect(`${install.stdout}${install.stderr}`).toMatch(/authentication required/);
    });
  });
});

describeWithClient('yarn 4', missingTool('node', [YARN4, '--version']), () => {
  onDefaultDatabase('yarn 4 npm publish and install', (database) => {
    let server: TestServer;
    let token: string;
    let work: { dir: string; cleanup(): void };
    const roles = ['npm:write'];

    beforeAll(async () => {
      server = await startServer({ database });
      token = (await makeToken(await ApiClient.login(server), roles)).token;
      work = tempDir('packgate-yarn4-');
    });
    afterAll(async () => {
      work?.cleanup();
      await server?.close();
    });

    // The snippet, plus what keeps the test offline and self-contained (no telemetry, no global
    // cache, plain node_modules); there is no packageManager field or yarnPath, so yarn never
    // downloads itself. With CI=true yarn 4 refuses to write a lockfile (immutable installs); these
    // throwaway projects start without one.
    const yarnrc = (rc = snippet(server, '.yarnrc.yml (yarn 4)', roles)) => `${rc}\nenableTelemetry: false\nenableGlobalCache: false\nnodeLinker: node-modules\nenableImmutableInstalls: false\n`;
    // yarn 4 keeps package metadata under $HOME/.yarn/berry: a fresh HOME per case makes it ask the registry.
    const yarn = (cwd: string, args: string[], home = 'home') =>
      run('node', [YARN4, ...args], { cwd, env: { HOME: path.join(work.dir, home), PACKGATE_TOKEN: token, YARN_IGNORE_PATH: '1', YARN_ENABLE_TELEMETRY: '0', COREPACK_ENABLE_AUTO_PIN: '0' } });
    const project = (name: string, files: Record<string, string>) => writeFiles(path.join(work.dir, name), { 'yarn.lock': '', ...files });

    it('publishes with yarn npm publish and installs the fresh version', async () => {
      const pkg = project('y4-demo', { '.yarnrc.yml': yarnrc(), 'package.json': manifest('y4-demo'), 'index.js': 'module.exports = "y4-demo";\n' });
      expect((await yarn(pkg, ['install'])).code).toBe(0); // a workspace needs its lockfile entry before it publishes
      const published = await yarn(pkg, ['npm', 'publish']);
      expect(published.stdout).toMatch(/Package archive published/);
      expect(published.code).toBe(0);

      const app = project('y4-app', { '.yarnrc.yml': yarnrc(), 'package.json': manifest('y4-app', { private: true, dependencies: { 'y4-demo': '1.0.0' } }) });
      const install = await yarn(app, ['install']);
      expect(install.stdout).toMatch(/Done/);
      expect(install.code).toBe(0);
      expect(await mustRun('node', ['-p', 'require("y4-demo")'], { cwd: app })).toBe('y4-demo\n');
    });

    it('without npmMinimalAgeGate: 0 the fresh version is quarantined, without npmAlwaysAuth the token is not sent', async () => {
      const rc = snippet(server, '.yarnrc.yml (yarn 4)', roles);
      const gated = project('y4-gated', { '.yarnrc.yml': yarnrc(rc.replace('npmMinimalAgeGate: 0\n', '')), 'package.json': manifest('y4-gated', { private: true, dependencies: { 'y4-demo': '1.0.0' } }) });
      const gatedInstall = await yarn(gated, ['install'], 'home-gated');
      expect(gatedInstall.code).not.toBe(0);
      expect(gatedInstall.stdout).toMatch(/quarantined/);

      const anonymous = project('y4-no-always-auth', { '.yarnrc.yml': yarnrc(rc.replace('    npmAlwaysAuth: true\n', '')), 'package.json': manifest('y4-no-always-auth', { private: true, dependencies: { 'y4-demo': '1.0.0' } }) });
      const anonymousInstall = await yarn(anonymous, ['install'], 'home-anonymous');
      expect(anonymousInstall.code).not.toBe(0);
      expect(anonymousInstall.stdout).toMatch(/Invalid authentication \(as an anonymous user\)/);
    });
  });
});
