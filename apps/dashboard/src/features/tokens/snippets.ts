/**
 * Ready-to-paste client configuration for a new token. The token itself never appears in a
 * command line (shell history, process lists): the snippets read it from `PACKGATE_TOKEN`, either
 * as an environment variable or through a `${PACKGATE_TOKEN}` placeholder the client expands.
 * The test suites under test/clients run these snippets against a real server.
 */
export interface Snippet {
  label: string;
  code: string;
  hint?: string;
}

export type FormatAccess = 'none' | 'read' | 'write';

/** What a token's roles allow for one format: `pypi:write`, `pypi:<package>:read`, … */
export function formatAccess(roles: readonly string[], format: 'pypi' | 'npm' | 'docker'): FormatAccess {
  let access: FormatAccess = 'none';
  for (const role of roles) {
    if (role === 'org:admin') return 'write';
    const parts = role.split(':');
    if (parts[0] !== format || parts.length < 2) continue;
    const action = parts[parts.length - 1];
    if (action === 'write') return 'write';
    if (action === 'read') access = 'read';
  }
  return access;
}

const TOKEN_VAR = 'PACKGATE_TOKEN';
const placeholder = `\${${TOKEN_VAR}}`;

export function clientSnippets(opts: { publicUrl: string; org: string; username: string; roles: readonly string[] }): Snippet[] {
  const url = opts.publicUrl.replace(/\/+$/, '');
  const parsed = new URL(url);
  const scheme = parsed.protocol.replace(/:$/, '');
  const insecure = scheme === 'http';
  const host = parsed.host;
  const base = parsed.pathname.replace(/\/+$/, ''); // non-empty when served under a path prefix
  const org = encodeURIComponent(opts.org);
  const pypi = formatAccess(opts.roles, 'pypi');
  const npm = formatAccess(opts.roles, 'npm');
  const docker = formatAccess(opts.roles, 'docker');
  const snippets: Snippet[] = [];
  if (pypi === 'none' && npm === 'none' && docker === 'none') return snippets;

  snippets.push({
    label: 'Token in the environment',
    code: `read -rs ${TOKEN_VAR}   # paste the token, then Enter\nexport ${TOKEN_VAR}`,
    hint: `Keeps the token out of shell history and process lists. In CI, store it as a secret variable ${TOKEN_VAR}. The snippets below read it from there.`,
  });

  if (pypi !== 'none') {
    const simple = `${url}/${org}/pypi/simple/`;
    snippets.push({
      label: 'pip',
      code: `export PIP_INDEX_URL="${scheme}://__token__:${placeholder}@${host}${base}/${org}/pypi/simple/"\npip install <package>`,
      hint: 'Needs pypi:read (or the package role in package mode).',
    });
    snippets.push({
      label: 'poetry (install)',
      code: `poetry source add --priority=primary packgate ${simple}\nexport POETRY_HTTP_BASIC_PACKGATE_USERNAME=__token__ POETRY_HTTP_BASIC_PACKGATE_PASSWORD="$${TOKEN_VAR}"\npoetry add <package> --source packgate`,
      hint: 'Poetry before 1.5 (Debian 12): --default instead of --priority=primary.',
    });
  }
  if (pypi === 'write') {
    const upload = `${url}/${org}/pypi/`;
    snippets.push({
      label: 'twine upload',
      code: `TWINE_USERNAME=__token__ TWINE_PASSWORD="$${TOKEN_VAR}" twine upload --repository-url ${upload} dist/*`,
      hint: 'Needs pypi:write.',
    });
    snippets.push({
      label: 'poetry publish',
      code: `poetry config repositories.packgate ${upload}\nPOETRY_HTTP_BASIC_PACKGATE_USERNAME=__token__ POETRY_HTTP_BASIC_PACKGATE_PASSWORD="$${TOKEN_VAR}" poetry publish --build -r packgate`,
      hint: 'Needs pypi:write.',
    });
  }

  if (npm !== 'none') {
    const registry = `${url}/${org}/npm/`;
    const nerf = `//${host}${base}/${org}/npm/`;
    const npmHint = npm === 'write' ? 'npm publish, pnpm publish, yarn publish (yarn 1) and install.' : 'Installs (npm:read); publishing needs npm:write.';
    snippets.push({
      label: '~/.npmrc (npm, pnpm, yarn 1)',
      code: `${nerf}:_authToken=${placeholder}\n${nerf}:always-auth=true`,
      hint: `Your user .npmrc, not the project's: pnpm ignores \${…} placeholders in a project .npmrc. always-auth makes yarn 1 send the token for unscoped packages. ${npmHint}`,
    });
    snippets.push({
      label: 'project .npmrc',
      code: `registry=${registry}`,
      hint: 'Or only for a scope: @team:registry=' + registry,
    });
    const yarnrc = [
      `npmRegistryServer: "${registry}"`,
      'npmRegistries:',
      `  "${nerf}":`,
      `    npmAuthToken: "${placeholder}"`,
      '    npmAlwaysAuth: true',
      'npmMinimalAgeGate: 0',
    ];
    if (insecure) yarnrc.push(`unsafeHttpWhitelist: ["${parsed.hostname}"]`);
    snippets.push({
      label: '.yarnrc.yml (yarn 4)',
      code: yarnrc.join('\n'),
      hint: `npmMinimalAgeGate: 0 lets yarn install versions published a moment ago from this registry. ${npm === 'write' ? 'Publish with yarn npm publish.' : ''}`.trim(),
    });
  }

  if (docker !== 'none') {
    const tls = insecure ? ' --tls-verify=false' : '';
    const pushHint = docker === 'write' ? 'pull and push' : 'pull (docker:write to push)';
    snippets.push({
      label: 'docker login',
      code: `printenv ${TOKEN_VAR} | docker login -u ${opts.username} --password-stdin ${host}`,
      hint: `Then ${pushHint} ${host}/${opts.org}/<image>:<tag>.${insecure ? ' Plain http: add the host to the daemon\'s insecure-registries (127.0.0.0/8 is by default).' : ''}`,
    });
    snippets.push({
      label: 'podman / buildah login',
      // buildah takes its options only before the registry
      code: `printenv ${TOKEN_VAR} | podman login${tls} -u ${opts.username} --password-stdin ${host}\nprintenv ${TOKEN_VAR} | buildah login${tls} -u ${opts.username} --password-stdin ${host}`,
    });
  }
  return snippets;
}
