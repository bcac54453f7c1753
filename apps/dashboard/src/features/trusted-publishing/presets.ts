/** CI systems with OIDC ID tokens: their issuer and the claims a publisher usually pins. */
export interface Preset {
  id: 'github' | 'gitlab' | 'custom';
  label: string;
  issuer: string;
  claims: { name: string; label: string; placeholder: string; hint?: string }[];
}

export const PRESETS: Preset[] = [
  {
    id: 'github',
    label: 'GitHub Actions',
    issuer: 'https://token.actions.githubusercontent.com',
    claims: [
      { name: 'repository', label: 'Repository (owner/name)', placeholder: 'acme/app' },
      { name: 'ref', label: 'Git ref', placeholder: 'refs/heads/main', hint: 'e.g. refs/heads/main or refs/tags/v*' },
      { name: 'workflow_ref', label: 'Workflow', placeholder: 'acme/app/.github/workflows/release.yml@refs/heads/main' },
      { name: 'environment', label: 'Environment', placeholder: 'release' },
    ],
  },
  {
    id: 'gitlab',
    label: 'GitLab CI',
    issuer: 'https://gitlab.com',
    claims: [
      { name: 'project_path', label: 'Project path', placeholder: 'acme/app' },
      { name: 'ref', label: 'Ref (branch or tag name)', placeholder: 'main' },
      { name: 'ref_type', label: 'Ref type', placeholder: 'branch', hint: 'branch or tag' },
      { name: 'environment', label: 'Environment', placeholder: 'production' },
    ],
  },
  { id: 'custom', label: 'Other OIDC issuer', issuer: '', claims: [] },
];

export interface SnippetInput {
  publicUrl: string;
  org: string;
  audience: string;
  roles: string[];
  /** Docker image name (without host), e.g. `default/app`. */
  image?: string;
}

const writes = (roles: string[], type: string) => roles.some((role) => role.startsWith(`${type}:`) && role.endsWith(':write'));

function parts(input: SnippetInput) {
  const base = input.publicUrl.replace(/\/+$/, '');
  const host = base.replace(/^https?:\/\//, '');
  const org = encodeURIComponent(input.org);
  return { base, host, exchangeUrl: `${base}/api/v1/orgs/${org}/oidc/token`, pypiUrl: `${base}/${org}/pypi/`, npmUrl: `${base}/${org}/npm/`, image: `${host}/${input.image ?? `${input.org}/app`}` };
}

/** A GitHub Actions workflow that trades the job's ID token for a Packgate token and publishes. */
export function githubWorkflow(input: SnippetInput): string {
  const p = parts(input);
  const lines = [
    'name: release',
    'on:',
    '  push:',
    '    branches: [main]',
    'permissions:',
    '  id-token: write   # lets the job request an OIDC ID token',
    '  contents: read',
    'jobs:',
    '  publish:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - name: Trade the OIDC ID token for a Packgate token',
    '        run: |',
    '          ID_TOKEN=$(curl -sSf -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" \\',
    `            "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=${input.audience}" | jq -r .value)`,
    "          PACKGATE_TOKEN=$(curl -sSf -H 'content-type: application/json' \\",
    '            -d "{\\"token\\": \\"$ID_TOKEN\\"}" \\',
    `            ${p.exchangeUrl} | jq -r .token)`,
    '          echo "::add-mask::$PACKGATE_TOKEN"',
    '          echo "PACKGATE_TOKEN=$PACKGATE_TOKEN" >> "$GITHUB_ENV"',
  ];
  if (writes(input.roles, 'pypi')) {
    lines.push(
      '      - name: Publish to the Python index',
      '        run: |',
      '          python3 -m pip install build twine',
      '          python3 -m build',
      `          twine upload --repository-url ${p.pypiUrl} -u __token__ -p "$PACKGATE_TOKEN" dist/*`,
    );
  }
  if (writes(input.roles, 'npm')) {
    lines.push(
      '      - name: Publish to the npm registry',
      '        run: |',
      `          npm config set "//${p.host}/${encodeURIComponent(input.org)}/npm/:_authToken" "$PACKGATE_TOKEN"`,
      `          npm publish --registry ${p.npmUrl}`,
    );
  }
  if (writes(input.roles, 'docker')) {
    lines.push(
      '      - name: Push the image',
      '        run: |',
      `          echo "$PACKGATE_TOKEN" | docker login ${p.host} -u oidc --password-stdin`,
      `          docker build -t ${p.image}:\${GITHUB_SHA::12} .`,
      `          docker push ${p.image}:\${GITHUB_SHA::12}`,
    );
  }
  return lines.join('\n');
}

/** A GitLab CI job: `id_tokens` with the audience, the exchange, then the publish commands. */
export function gitlabJob(input: SnippetInput): string {
  const p = parts(input);
  const lines = [
    'publish:',
    '  image: python:3.12',
    '  id_tokens:',
    '    PACKGATE_ID_TOKEN:',
    `      aud: ${input.audience}`,
    '  rules:',
    '    - if: $CI_COMMIT_BRANCH == "main"',
    '  script:',
    '    - |',
    "      PACKGATE_TOKEN=$(curl -sSf -H 'content-type: application/json' \\",
    '        -d "{\\"token\\": \\"$PACKGATE_ID_TOKEN\\"}" \\',
    `        ${p.exchangeUrl} \\`,
    `        | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')`,
  ];
  if (writes(input.roles, 'pypi')) {
    lines.push('    - python3 -m pip install build twine && python3 -m build', `    - twine upload --repository-url ${p.pypiUrl} -u __token__ -p "$PACKGATE_TOKEN" dist/*`);
  }
  if (writes(input.roles, 'npm')) {
    lines.push(`    - npm config set "//${p.host}/${encodeURIComponent(input.org)}/npm/:_authToken" "$PACKGATE_TOKEN"`, `    - npm publish --registry ${p.npmUrl}`);
  }
  if (writes(input.roles, 'docker')) {
    lines.push(`    - skopeo copy --dest-creds "oidc:$PACKGATE_TOKEN" oci:./image:latest docker://${p.image}:$CI_COMMIT_SHORT_SHA`);
  }
  return lines.join('\n');
}

/** The exchange alone, for any other CI that can get an ID token. */
export function curlExchange(input: SnippetInput): string {
  const p = parts(input);
  return [`curl -sSf -H 'content-type: application/json' \\`, `  -d "{\\"token\\": \\"$ID_TOKEN\\"}" \\`, `  ${p.exchangeUrl}`].join('\n');
}
