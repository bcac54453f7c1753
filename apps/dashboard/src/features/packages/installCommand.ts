import type { PackageType } from '../../api/types';

/** The command that installs a package from this server (anonymous for public packages). */
export function installCommand(opts: { publicUrl: string; org: string; type: PackageType; name: string; version?: string | null }): string {
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
      // The package name is the image path inside the org: the image is {host}/{org}/{name}.
      const tag = opts.version ? `:${opts.version}` : '';
      return `docker pull ${hostPath}/${opts.org}/${opts.name}${tag}`;
    }
  }
}
