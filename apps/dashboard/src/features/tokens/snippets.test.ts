import { describe, expect, it } from 'vitest';
import { clientSnippets } from './snippets';

describe('clientSnippets', () => {
  it('builds pip, twine, npm, docker and podman lines for the org and public URL', () => {
    const s = Object.fromEntries(clientSnippets({ publicUrl: 'http://127.0.0.1:8080/', org: 'acme', token: 'pgt_x', username: 'alice' }).map((x) => [x.label, x.code]));
    expect(s['pip index URL']).toBe('pip install --index-url http://__token__:pgt_x@127.0.0.1:8080/acme/pypi/simple/ <package>');
    expect(s['twine upload']).toBe('twine upload --repository-url http://127.0.0.1:8080/acme/pypi/ -u __token__ -p pgt_x dist/*');
    expect(s['.npmrc']).toBe('registry=http://127.0.0.1:8080/acme/npm/\n//127.0.0.1:8080/acme/npm/:_authToken=pgt_x');
    expect(s['docker login']).toBe('docker login 127.0.0.1:8080 -u alice -p pgt_x');
    expect(s['podman login']).toBe('podman login 127.0.0.1:8080 -u alice -p pgt_x');
  });
});
