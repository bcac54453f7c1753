import type { PackageType } from '../../api/types';

/** The command that installs a package from this server (anonymous for public packages). */
export function installCommand(opts: { publicUrl: string; org: string; type: PackageType; name: string }): string {
  const url = opts.publicUrl.replace(/\/+$/, '');
  const org = encodeURIComponent(opts.org);
  switch (opts.type) {
    case 'pypi':
      return `pip install --index-url ${url}/${org}/pypi/simple/ ${opts.name}`;
    case 'npm':
      return `npm install ${opts.name} --registry ${url}/${org}/npm/`;
    case 'docker': {
      const parsed = new URL(url);
      const hostPath = `${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`;
      // Docker repositories live under /v2/{org}/{name}; don't repeat the org if the name carries it.
      const repo = opts.name.startsWith(`${opts.org}/`) ? opts.name : `${opts.org}/${opts.name}`;
      return `docker pull ${hostPath}/${repo}`;
    }
  }
}
