import { describe, expect, it } from 'vitest';
import { githubWorkflow, gitlabJob } from './presets';

const input = { publicUrl: 'https://pkg.example.com/', org: 'acme', audience: 'packgate', roles: ['pypi:write', 'npm:write', 'docker:write'] };

describe('workflow snippets', () => {
  it('GitHub: requests the ID token with the audience, exchanges it, masks it, publishes with each client', () => {
    const yaml = githubWorkflow(input);
    expect(yaml).toContain('  id-token: write');
    expect(yaml).toContain('"$ACTIONS_ID_TOKEN_REQUEST_URL&audience=packgate"');
    expect(yaml).toContain('https://pkg.example.com/api/v1/orgs/acme/oidc/token | jq -r .token');
    expect(yaml).toContain('::add-mask::$PACKGATE_TOKEN');
    expect(yaml).toContain('twine upload --repository-url https://pkg.example.com/acme/pypi/ -u __token__ -p "$PACKGATE_TOKEN" dist/*');
    expect(yaml).toContain('npm config set "//pkg.example.com/acme/npm/:_authToken" "$PACKGATE_TOKEN"');
    expect(yaml).toContain('docker login pkg.example.com -u oidc --password-stdin');
  });

  it('GitLab: id_tokens with aud, then the exchange; only the steps the roles allow', () => {
    const yaml = gitlabJob({ ...input, roles: ['pypi:app:write'] });
    expect(yaml).toContain('  id_tokens:\n    PACKGATE_ID_TOKEN:\n      aud: packgate');
    expect(yaml).toContain('$PACKGATE_ID_TOKEN');
    expect(yaml).toContain('twine upload');
    expect(yaml).not.toContain('npm publish');
    expect(yaml).not.toContain('skopeo');
  });
});
