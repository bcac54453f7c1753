import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ApiClient, makeToken } from '../support/http';
import { TestServer, onDefaultDatabase, startServer } from '../support/server';
import { PACKGATE_CLI, REPO_ROOT, describeWithClient, missingTool, mustRun, run, snippet, tempDir, writeFiles } from './support/clients';

/**
 * pnpm (the repository's devDependency) with the README's setup: the token placeholder in the
 * *user* .npmrc (pnpm expands `${VAR}` there but ignores it, with a warning, in a project .npmrc),
 * the registry in the project .npmrc.
 */
const PNPM = path.join(REPO_ROOT, 'node_modules', '.bin', 'pnpm');

describeWithClient('pnpm', missingTool(PNPM), () => {
  onDefaultDatabase('pnpm publish and install', (database) => {
    let server: TestServer;
    let token: string;
    let work: { dir: string; cleanup(): void };
    const roles = ['npm:write'];

    beforeAll(async () => {
      server = await startServer({ database });
      token = (await makeToken(await ApiClient.login(server), roles)).token;
      work = tempDir('packgate-pnpm-');
      // The dashboard's snippets, exactly: user .npmrc with the placeholder, project .npmrc with the registry.
      writeFiles(path.join(work.dir, 'home'), { '.npmrc': snippet(server, '~/.npmrc (npm, pnpm, yarn 1)', roles) + '\n' });
    });
    afterAll(async () => {
      work?.cleanup();
      await server?.close();
    });

    const pnpm = (cwd: string, args: string[], env: Record<string, string> = {}) =>
      run(PNPM, args, { cwd, env: { HOME: path.join(work.dir, 'home'), XDG_CONFIG_HOME: path.join(work.dir, 'home', '.config'), CI: 'true', PACKGATE_TOKEN: token, ...env } });

    const project = (name: string, manifest: object) =>
      writeFiles(path.join(work.dir, name), {
        'package.json': JSON.stringify(manifest, null, 2),
        'index.js': `module.exports = ${JSON.stringify(name)};\n`,
        '.npmrc': snippet(server, 'project .npmrc', roles) + '\n',
      });

    it('publishes with the token from the user .npmrc and installs the package into a project', async () => {
      const pkg = project('pn-demo', { name: 'pn-demo', version: '1.0.0', main: 'index.js', license: 'MIT' });
      const published = await pnpm(pkg, ['publish', '--no-git-checks']);
      expect(`${published.stdout}${published.stderr}`).toMatch(/Published package pn-demo@1\.0\.0/);
      expect(published.code).toBe(0);

      const meta = await fetch(`${server.url}/default/npm/pn-demo`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await meta.json()) as { 'dist-tags': Record<string, string> })['dist-tags'].latest).toBe('1.0.0');

      const app = project('pn-app', { name: 'pn-app', version: '1.0.0', private: true, dependencies: { 'pn-demo': '1.0.0' } });
      const install = await pnpm(app, ['install', '--store-dir', path.join(work.dir, 'store')]);
      expect(install.code).toBe(0);
      expect(readFileSync(path.join(app, 'node_modules', 'pn-demo', 'index.js'), 'utf8')).toContain('pn-demo');
      expect(await mustRun('node', ['-p', 'require("pn-demo")'], { cwd: app })).toBe('pn-demo\n');
      expect(readFileSync(path.join(app, 'pnpm-lock.yaml'), 'utf8')).toContain('pn-demo');
    });

    it('npm installs what pnpm published, from the same user and project .npmrc', async () => {
      const app = project('npm-app', { name: 'npm-app', version: '1.0.0', private: true, dependencies: { 'pn-demo': '1.0.0' } });
      const install = await run('npm', ['install', '--no-audit', '--no-fund', '--cache', path.join(work.dir, 'npm-cache')], { cwd: app, env: { HOME: path.join(work.dir, 'home'), PACKGATE_TOKEN: token } });
      expect(install.code).toBe(0);
      expect(await mustRun('node', ['-p', 'require("pn-demo")'], { cwd: app })).toBe('pn-demo\n');
    });

    it('installs with the ~/.npmrc that `packgate configure pnpm` writes', async () => {
      const home = path.join(work.dir, 'home-configured');
      writeFiles(home, { 'ci.token': `${token}\n` });
      const configured = await run('node', [PACKGATE_CLI, 'configure', 'pnpm', '-f', path.join(home, 'ci.token')], { env: { HOME: home, PACKGATE_URL: server.url } });
      expect(configured.code).toBe(0);
      expect(configured.stdout + configured.stderr).not.toContain(token);
      const app = project('pn-configured', { name: 'pn-configured', version: '1.0.0', private: true, dependencies: { 'pn-demo': '1.0.0' } });
      const install = await pnpm(app, ['install', '--store-dir', path.join(work.dir, 'store-configured')], { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), PACKGATE_TOKEN: '' });
      expect(install.code).toBe(0);
      expect(await mustRun('node', ['-p', 'require("pn-demo")'], { cwd: app })).toBe('pn-demo\n');
    });

    it('ignores a ${VAR} token in the project .npmrc (why the README puts it in the user .npmrc)', async () => {
      const pkg = project('pn-project-rc', { name: 'pn-project-rc', version: '1.0.0', main: 'index.js', license: 'MIT' });
      writeFiles(pkg, { '.npmrc': `${snippet(server, 'project .npmrc', roles)}\n//${server.host}/default/npm/:_authToken=\${PACKGATE_TOKEN}\n` });
      const published = await pnpm(pkg, ['publish', '--no-git-checks'], { HOME: path.join(work.dir, 'empty-home'), XDG_CONFIG_HOME: path.join(work.dir, 'empty-home', '.config') });
      expect(published.code).not.toBe(0);
      expect(`${published.stdout}${published.stderr}`).toMatch(/401/);
    });

    it('refuses an install without a token: the package is private', async () => {
      const app = project('pn-anon', { name: 'pn-anon', version: '1.0.0', private: true, dependencies: { 'pn-demo': '1.0.0' } });
      const install = await pnpm(app, ['install', '--store-dir', path.join(work.dir, 'store-anon')], { HOME: path.join(work.dir, 'anon-home'), XDG_CONFIG_HOME: path.join(work.dir, 'anon-home', '.config') });
      expect(install.code).not.toBe(0);
      expect(`${install.stdout}${install.stderr}`).toMatch(/401|authentication required/);
    });
  });
});
