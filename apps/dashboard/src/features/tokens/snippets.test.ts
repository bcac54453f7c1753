import { describe, expect, it } from 'vitest';
import { clientSnippets, formatAccess } from './snippets';

const ALL = ['pypi:write', 'npm:write', 'docker:write'];
const byLabel = (roles: string[], publicUrl = 'http://127.0.0.1:8080/') =>
  Object.fromEntries(clientSnippets({ publicUrl, org: 'acme', username: 'alice', roles }).map((x) => [x.label, x.code]));

describe('clientSnippets', () => {
  it('never puts a token on a command line: every client reads PACKGATE_TOKEN', () => {
    const s = byLabel(ALL);
    expect(s['Token in the environment']).toBe('read -rs PACKGATE_TOKEN   # paste the token, then Enter\nexport PACKGATE_TOKEN');
    expect(s['pip']).toBe('export PIP_INDEX_URL="http://__token__:${PACKGATE_TOKEN}@127.0.0.1:8080/acme/pypi/simple/"\npip install <package>');
    expect(s['twine upload']).toBe('TWINE_USERNAME=__token__ TWINE_PASSWORD="$PACKGATE_TOKEN" twine upload --repository-url http://127.0.0.1:8080/acme/pypi/ dist/*');
    expect(s['poetry publish']).toContain('poetry config repositories.packgate http://127.0.0.1:8080/acme/pypi/\n');
    expect(s['poetry (install)']).toContain('poetry source add --priority=primary packgate http://127.0.0.1:8080/acme/pypi/simple/\n');
    expect(s['~/.npmrc (npm, pnpm, yarn 1)']).toBe('//127.0.0.1:8080/acme/npm/:_authToken=${PACKGATE_TOKEN}\n//127.0.0.1:8080/acme/npm/:always-auth=true');
    expect(s['project .npmrc']).toBe('registry=http://127.0.0.1:8080/acme/npm/');
    expect(s['.yarnrc.yml (yarn 4)']).toBe(
      [
        'npmRegistryServer: "http://127.0.0.1:8080/acme/npm/"',
        'npmRegistries:',
        '  "//127.0.0.1:8080/acme/npm/":',
        '    npmAuthToken: "${PACKGATE_TOKEN}"',
        '    npmAlwaysAuth: true',
        'npmMinimalAgeGate: 0',
        'unsafeHttpWhitelist: ["127.0.0.1"]',
      ].join('\n'),
    );
    expect(s['docker login']).toBe('printenv PACKGATE_TOKEN | docker login -u alice --password-stdin 127.0.0.1:8080');
    expect(s['podman / buildah login']).toBe(
      'printenv PACKGATE_TOKEN | podman login --tls-verify=false -u alice --password-stdin 127.0.0.1:8080\nprintenv PACKGATE_TOKEN | buildah login --tls-verify=false -u alice --password-stdin 127.0.0.1:8080',
    );
    for (const code of Object.values(s)) expect(code).not.toMatch(/pgt_|\s-p\s/);
  });

  it('shows only the formats the roles allow, and publish snippets only with write', () => {
    expect(Object.keys(byLabel(['pypi:read']))).toEqual(['Token in the environment', 'pip', 'poetry (install)']);
    expect(Object.keys(byLabel(['pypi:demo:write', 'api']))).toEqual(['Token in the environment', 'pip', 'poetry (install)', 'twine upload', 'poetry publish']);
    expect(Object.keys(byLabel(['npm:read']))).toEqual(['Token in the environment', '~/.npmrc (npm, pnpm, yarn 1)', 'project .npmrc', '.yarnrc.yml (yarn 4)']);
    expect(Object.keys(byLabel(['docker:acme/app:read']))).toEqual(['Token in the environment', 'docker login', 'podman / buildah login']);
    expect(byLabel(['api', 'feed'])).toEqual({});
  });

  it('keeps https hosts verified and a path prefix in every URL', () => {
    const s = byLabel(ALL, 'https://pkg.example.com/registry/');
    expect(s['pip']).toContain('https://__token__:${PACKGATE_TOKEN}@pkg.example.com/registry/acme/pypi/simple/');
    expect(s['.yarnrc.yml (yarn 4)']).not.toContain('unsafeHttpWhitelist');
    expect(s['.yarnrc.yml (yarn 4)']).toContain('"//pkg.example.com/registry/acme/npm/":');
    expect(s['podman / buildah login']).not.toContain('tls-verify');
  });

  it('reads access per format from standard and package-level roles', () => {
    expect(formatAccess(['pypi:read', 'pypi:demo:write'], 'pypi')).toBe('write');
    expect(formatAccess(['npm:@acme/x:read'], 'npm')).toBe('read');
    expect(formatAccess(['api', 'feed'], 'docker')).toBe('none');
  });
});
