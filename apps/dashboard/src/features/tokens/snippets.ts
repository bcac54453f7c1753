/** Ready-to-paste client configuration for a new token (design.md §5 URL map). */
export interface Snippet {
  label: string;
  code: string;
  hint?: string;
}

export function clientSnippets(opts: { publicUrl: string; org: string; token: string; username: string }): Snippet[] {
  const url = opts.publicUrl.replace(/\/+$/, '');
  const parsed = new URL(url);
  const scheme = parsed.protocol.replace(/:$/, '');
  const host = parsed.host;
  const base = parsed.pathname.replace(/\/+$/, ''); // non-empty when served under a path prefix
  const org = encodeURIComponent(opts.org);
  const { token, username } = opts;
  return [
    {
      label: 'pip index URL',
      code: `pip install --index-url ${scheme}://__token__:${token}@${host}${base}/${org}/pypi/simple/ <package>`,
      hint: 'Needs pypi:read (or the package role in package mode).',
    },
    {
      label: 'twine upload',
      code: `twine upload --repository-url ${url}/${org}/pypi/ -u __token__ -p ${token} dist/*`,
      hint: 'Needs pypi:write.',
    },
    {
      label: '.npmrc',
      code: `registry=${url}/${org}/npm/\n//${host}${base}/${org}/npm/:_authToken=${token}`,
      hint: 'Needs npm:read to install, npm:write to publish.',
    },
    {
      label: 'docker login',
      code: `docker login ${host} -u ${username} -p ${token}`,
      hint: 'Needs docker:read to pull, docker:write to push.',
    },
    {
      label: 'podman login',
      code: `podman login ${host} -u ${username} -p ${token}`,
    },
  ];
}
