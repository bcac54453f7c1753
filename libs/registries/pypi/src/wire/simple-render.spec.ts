import { renderProjectHtml, renderProjectJson, renderProjectListHtml } from './simple-render';

const view = {
  name: 'demo-pkg',
  versions: ['0.1.0'],
  files: [
    { filename: 'demo_pkg-0.1.0-py3-none-any.whl', url: '../../files/demo-pkg/demo_pkg-0.1.0-py3-none-any.whl', sha256: 'a'.repeat(64), size: 10, uploadTime: new Date('2026-01-02T03:04:05.678Z'), requiresPython: '>=3.8,<4', coreMetadataSha256: 'b'.repeat(64), yanked: 'bad "build"' as const },
    { filename: 'demo_pkg-0.1.0.tar.gz', url: '../../files/demo-pkg/demo_pkg-0.1.0.tar.gz', sha256: 'c'.repeat(64), size: 5, uploadTime: new Date('2026-01-02T03:04:05.678Z'), requiresPython: null, coreMetadataSha256: null, yanked: false as const },
  ],
};

describe('simple index rendering', () => {
  it('writes PEP 503 anchors with escaped attributes', () => {
    const html = renderProjectHtml(view);
    expect(html).toContain('<meta name="pypi:repository-version" content="1.1">');
    expect(html).toContain(`<a href="../../files/demo-pkg/demo_pkg-0.1.0-py3-none-any.whl#sha256=${'a'.repeat(64)}" data-requires-python="&gt;=3.8,&lt;4" data-dist-info-metadata="sha256=${'b'.repeat(64)}" data-core-metadata="sha256=${'b'.repeat(64)}" data-yanked="bad &quot;build&quot;">demo_pkg-0.1.0-py3-none-any.whl</a>`);
    expect(html).toContain(`<a href="../../files/demo-pkg/demo_pkg-0.1.0.tar.gz#sha256=${'c'.repeat(64)}">demo_pkg-0.1.0.tar.gz</a>`);
  });

  it('writes PEP 691 JSON with PEP 700 fields', () => {
    const json = JSON.parse(renderProjectJson(view));
    expect(json.meta).toEqual({ 'api-version': '1.1' });
    expect(json.files[0]).toEqual({
      filename: 'demo_pkg-0.1.0-py3-none-any.whl',
      url: '../../files/demo-pkg/demo_pkg-0.1.0-py3-none-any.whl',
      hashes: { sha256: 'a'.repeat(64) },
      'requires-python': '>=3.8,<4',
      'core-metadata': { sha256: 'b'.repeat(64) },
      'dist-info-metadata': { sha256: 'b'.repeat(64) },
      yanked: 'bad "build"',
      size: 10,
      'upload-time': '2026-01-02T03:04:05.678000Z',
    });
    expect(json.files[1]).not.toHaveProperty('requires-python');
    expect(json.files[1]['core-metadata']).toBe(false);
    expect(JSON.parse(renderProjectJson({ ...view, files: [{ ...view.files[0], yanked: '' }] })).files[0].yanked).toBe(true);
  });

  it('lists projects with relative links', () => {
    expect(renderProjectListHtml(['a-b', 'c'])).toContain('<a href="a-b/">a-b</a><br>');
  });
});
