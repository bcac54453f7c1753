import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ApiClient, makeToken } from '../support/http';
import { TestServer, onDefaultDatabase, startServer } from '../support/server';
import { describeWithClient, missingTool, mustRun, mustRunSnippet, run, snippet, tempDir, writeFiles } from './support/clients';

/**
 * buildah (Debian's) logs in with the dashboard's snippet, builds an image from scratch, pushes it
 * and pulls it back. Storage (vfs), registries.conf and the auth file are private to the test.
 */
describeWithClient('buildah', missingTool('buildah', ['--version']), () => {
  onDefaultDatabase('buildah login, push and pull', (database) => {
    let server: TestServer;
    let writer: string;
    let reader: string;
    let work: { dir: string; cleanup(): void };
    let env: Record<string, string>;

    beforeAll(async () => {
      server = await startServer({ database });
      const admin = await ApiClient.login(server);
      writer = (await makeToken(admin, ['docker:write'])).token;
      reader = (await makeToken(admin, ['docker:read'])).token;
      work = tempDir('packgate-buildah-');
      writeFiles(work.dir, {
        'storage.conf': `[storage]\ndriver = "vfs"\nrunroot = "${path.join(work.dir, 'run')}"\ngraphroot = "${path.join(work.dir, 'storage')}"\n`,
        'registries.conf': `unqualified-search-registries = []\n`,
        'hello.txt': 'hello from buildah\n',
      });
      env = {
        HOME: path.join(work.dir, 'home'),
        CONTAINERS_STORAGE_CONF: path.join(work.dir, 'storage.conf'),
        CONTAINERS_REGISTRIES_CONF: path.join(work.dir, 'registries.conf'),
        REGISTRY_AUTH_FILE: path.join(work.dir, 'auth.json'),
        BUILDAH_ISOLATION: 'chroot',
      };
    });
    afterAll(async () => {
      if (env) await run('buildah', ['rmi', '-a', '-f'], { env });
      work?.cleanup();
      await server?.close();
    });

    const buildah = (args: string[]) => mustRun('buildah', args, { env, timeoutMs: 180_000 });
    // The whole snippet: podman and buildah share the auth file, so both lines log in.
    const login = (token: string) => mustRunSnippet(snippet(server, 'podman / buildah login', ['docker:write']), { env: { ...env, PACKGATE_TOKEN: token } });

    it('pushes an image built from scratch and pulls it back with a read-only token', async () => {
      expect((await login(writer)).match(/Login Succeeded/g)).toHaveLength(2);
      const container = (await buildah(['from', 'scratch'])).trim();
      await buildah(['copy', container, path.join(work.dir, 'hello.txt'), '/hello.txt']);
      await buildah(['config', '--cmd', '/bin/true', container]);
      const image = `${server.host}/default/buildah-app:v1`;
      await buildah(['commit', container, image]);
      await buildah(['rm', container]);
      await buildah(['push', '--tls-verify=false', image]);

      await buildah(['rmi', '-f', image]);
      expect(await login(reader)).toMatch(/Login Succeeded/);
      await buildah(['pull', '--tls-verify=false', image]);
      const images = await buildah(['images', '--format', '{{.Name}}:{{.Tag}}']);
      expect(images).toContain(image);
      const mounted = (await buildah(['from', image])).trim();
      const root = (await buildah(['mount', mounted])).trim();
      expect(readFileSync(path.join(root, 'hello.txt'), 'utf8')).toBe('hello from buildah\n');
      await buildah(['umount', mounted]);
      await buildah(['rm', mounted]);
    });

    it('a read-only token cannot push, and an anonymous pull of the private image is refused', async () => {
      expect(await login(reader)).toMatch(/Login Succeeded/);
      const other = `${server.host}/default/buildah-denied:v1`;
      await buildah(['tag', `${server.host}/default/buildah-app:v1`, other]);
      const denied = await run('buildah', ['push', '--tls-verify=false', other], { env });
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toMatch(/denied|unauthorized/i);

      await buildah(['logout', server.host]);
      await buildah(['rmi', '-f', `${server.host}/default/buildah-app:v1`, other]);
      const anonymous = await run('buildah', ['pull', '--tls-verify=false', `${server.host}/default/buildah-app:v1`], { env });
      expect(anonymous.code).not.toBe(0);
      expect(anonymous.stderr).toMatch(/unauthorized|authentication required/i);
    });
  });
});
