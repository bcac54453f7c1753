import { parseUpstreamProject, versionFromFilename } from './upstream-project';

const H1 = 'a'.repeat(64);
const H2 = 'b'.repeat(64);

describe('parseUpstreamProject', () => {
  it('reads a PEP 503 page like PyPI serves it, resolving links and keeping only verifiable files', () => {
    const html = `<!DOCTYPE html><html><body>
      <a href="https://files.example.org/p/demo_pkg-1.0-py3-none-any.whl#sha256=${H1}" data-requires-python="&gt;=3.8" data-dist-info-metadata="sha256=${H2}" data-core-metadata="sha256=${H2}">demo_pkg-1.0-py3-none-any.whl</a><br>
      <A HREF='../../packages/demo-pkg-0.9.tar.gz#md5=00&amp;sha256=${H2.toUpperCase()}' data-yanked="broken &amp; old">demo-pkg-0.9.tar.gz</A>
      <a href="/nohash/demo_pkg-0.8-py3-none-any.whl">demo_pkg-0.8-py3-none-any.whl</a>
      <a href="/x/evil#sha256=${H1}">../../etc/passwd.whl</a>
      <a href="javascript:alert(1)#sha256=${H1}">demo_pkg-0.7-py3-none-any.whl</a>
    </body></html>`;
    const project = parseUpstreamProject(Buffer.from(html), 'text/html; charset=utf-8', 'https://index.example.org/simple/demo-pkg/', 'demo-pkg');
    expect(project.files).toEqual([
      { filename: 'demo_pkg-1.0-py3-none-any.whl', url: 'https://files.example.org/p/demo_pkg-1.0-py3-none-any.whl', sha256: H1, requiresPython: '>=3.8', coreMetadataSha256: H2, yanked: false },
      { filename: 'demo-pkg-0.9.tar.gz', url: 'https://index.example.org/packages/demo-pkg-0.9.tar.gz', sha256: H2, requiresPython: null, coreMetadataSha256: null, yanked: 'broken & old' },
    ]);
  });

  it('reads PEP 691 JSON with versions, sizes and upload times', () => {
    const json = JSON.stringify({
      meta: { 'api-version': '1.1' },
      name: 'Demo.Pkg',
      versions: ['1.0'],
      files: [
        { filename: 'demo_pkg-1.0-py3-none-any.whl', url: '../../f/demo_pkg-1.0-py3-none-any.whl', hashes: { sha256: H1 }, 'core-metadata': { sha256: H2 }, yanked: true, size: 12, 'upload-time': '2026-01-01T00:00:00.000000Z' },
        { filename: 'demo_pkg-0.1-py3-none-any.whl', url: 'x', hashes: { md5: 'x' } },
      ],
    });
    const project = parseUpstreamProject(Buffer.from(json), 'application/vnd.pypi.simple.v1+json', 'http://up.test/simple/demo-pkg/', 'demo-pkg');
    expect(project.name).toBe('Demo.Pkg');
    expect(project.versions).toEqual(['1.0']);
    expect(project.files).toEqual([
      { filename: 'demo_pkg-1.0-py3-none-any.whl', url: 'http://up.test/f/demo_pkg-1.0-py3-none-any.whl', sha256: H1, requiresPython: null, coreMetadataSha256: H2, yanked: '', size: 12, uploadTime: new Date('2026-01-01T00:00:00.000Z') },
    ]);
  });

  it('takes versions from filenames', () => {
    expect(versionFromFilename('demo_pkg-1.0.post1-py3-none-any.whl', 'demo-pkg')).toBe('1.0.post1');
    expect(versionFromFilename('demo.pkg-2.0rc1.tar.gz', 'demo-pkg')).toBe('2.0rc1');
    expect(versionFromFilename('other-1.0.tar.gz', 'demo-pkg')).toBeNull();
  });
});
