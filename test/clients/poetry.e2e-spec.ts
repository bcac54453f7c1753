import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ApiClient, makeToken } from '../support/http';
import { TestServer, onDefaultDatabase, startServer } from '../support/server';
import { cleanEnv, describeWithClient, missingTool, mustRunSnippet, runSnippet, snippet, tempDir, writeFiles } from './support/clients';

/**
 * poetry (Debian's python3-poetry, which brings poetry-core: `poetry build` needs nothing from a
 * package index) publishing to and installing from Packgate with the dashboard's snippets.
 * Config, cache and virtualenvs stay in a temporary directory; the null keyring keeps poetry from
 * asking a desktop keyring; the credentials come only from POETRY_HTTP_BASIC_PACKGATE_*.
 */
function poetryMinor(): [number, number] | undefined {
  const out = spawnSync('poetry', ['--version'], { env: cleanEnv(), encoding: 'utf8' }).stdout ?? '';
  const match = /(\d+)\.(\d+)/.exec(out);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** The snippet as written for poetry ≥ 1.5; older poetry (Debian 12 has 1.3) spells the primary source `--default`. */
function forInstalledPoetry(code: string): string {
  const version = poetryMinor();
  const old = version !== undefined && (version[0] < 1 || (version[0] === 1 && version[1] < 5));
  return old ? code.replace('--priority=primary', '--default') : code;
}

const PYPROJECT = (name: string, extra = '') => `[tool.poetry]
name = "${name}"
version = "0.1.0"
description = "${name} test package"
authors = ["Packgate Test <test@example.com>"]
${extra}
[tool.poetry.dependencies]
python = ">=3.8"

[build-system]
requires = ["poetry-core>=1.0.0"]
build-backend = "poetry.core.masonry.api"
`;

describeWithClient('poetry', missingTool('poetry'), () => {
  onDefaultDatabase('poetry publish and install', (database) => {
    let server: TestServer;
    let token: string;
    let work: { dir: string; cleanup(): void };
    const roles = ['pypi:write'];

    beforeAll(async () => {
      server = await startServer({ database });
      token = (await makeToken(await ApiClient.login(server), roles)).token;
      work = tempDir('packgate-poetry-');
    });
    afterAll(async () => {
      work?.cleanup();
      await server?.close();
    });

    const env = (extra: Record<string, string> = {}) => ({
      HOME: path.join(work.dir, 'home'),
      POETRY_CONFIG_DIR: path.join(work.dir, 'poetry-config'),
      POETRY_CACHE_DIR: path.join(work.dir, 'poetry-cache'),
      POETRY_VIRTUALENVS_IN_PROJECT: 'true',
      POETRY_NO_INTERACTION: '1',
      PYTHON_KEYRING_BACKEND: 'keyring.backends.null.Keyring',
      PIP_NO_INDEX: '1', // the virtualenv is seeded from local wheels; nothing may reach out
      PACKGATE_TOKEN: token,
      ...extra,
    });

    it('builds and publishes with poetry publish, then installs through a poetry source', async () => {
      const pkg = writeFiles(path.join(work.dir, 'po-demo'), {
        'pyproject.toml': PYPROJECT('po-demo', 'packages = [{ include = "po_demo" }]\n'),
        'po_demo/__init__.py': 'VERSION = "0.1.0"\n',
      });
      const publish = await mustRunSnippet(snippet(server, 'poetry publish', roles), { cwd: pkg, env: env() });
      expect(publish).toMatch(/Publishing po-demo \(0\.1\.0\) to packgate/);
      const index = await fetch(`${server.url}/default/pypi/simple/po-demo/`, { headers: { authorization: `Bearer ${token}` } });
      const html = await index.text();
      expect(html).toContain('po_demo-0.1.0-py3-none-any.whl');
      expect(html).toContain('po_demo-0.1.0.tar.gz');

      const app = writeFiles(path.join(work.dir, 'po-app'), { 'pyproject.toml': PYPROJECT('po-app') });
      const install = forInstalledPoetry(snippet(server, 'poetry (install)', roles)).replace('<package>', 'po-demo');
      const out = await mustRunSnippet(install, { cwd: app, env: env() });
      expect(out).toMatch(/Installing po-demo \(0\.1\.0\)/);
      const lib = path.join(app, '.venv', 'lib');
      const site = path.join(lib, readdirSync(lib)[0], 'site-packages');
      expect(existsSync(path.join(site, 'po_demo', '__init__.py'))).toBe(true);
    });

    it('pip installs what poetry published, with the dashboard\'s pip snippet', async () => {
      const target = path.join(work.dir, 'pip-target');
      // PIP_CONFIG_FILE=/dev/null rather than --isolated: the snippet hands pip its index through PIP_INDEX_URL.
      const code = snippet(server, 'pip', ['pypi:read']).replace('pip install <package>', `python3 -m pip install --no-input --disable-pip-version-check --no-cache-dir --target ${target} po-demo`);
      await mustRunSnippet(code, { env: { PACKGATE_TOKEN: token, PIP_CONFIG_FILE: '/dev/null' } });
      expect(existsSync(path.join(target, 'po_demo', '__init__.py'))).toBe(true);
    });

    it('a wrong token is refused on publish and on install', async () => {
      const pkg = writeFiles(path.join(work.dir, 'po-wrong'), {
        'pyproject.toml': PYPROJECT('po-wrong', 'packages = [{ include = "po_wrong" }]\n'),
        'po_wrong/__init__.py': '',
      });
      const publish = await runSnippet(snippet(server, 'poetry publish', roles), { cwd: pkg, env: env({ PACKGATE_TOKEN: 'pgt_not-a-token' }) });
      expect(publish.code).not.toBe(0);
      expect(`${publish.stdout}${publish.stderr}`).toMatch(/401|403|Unauthorized|Forbidden|Invalid or non-existent authentication/i);

      const app = writeFiles(path.join(work.dir, 'po-wrong-app'), { 'pyproject.toml': PYPROJECT('po-wrong-app') });
      const install = forInstalledPoetry(snippet(server, 'poetry (install)', roles)).replace('<package>', 'po-demo');
      const refused = await runSnippet(install, { cwd: app, env: env({ PACKGATE_TOKEN: 'pgt_not-a-token', POETRY_CACHE_DIR: path.join(work.dir, 'poetry-cache-wrong') }) });
      expect(refused.code).not.toBe(0);
    });
  });
});
