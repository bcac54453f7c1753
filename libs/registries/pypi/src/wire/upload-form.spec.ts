import { InvalidInputError } from '@packgate/registries/core';
import { MAX_METADATA_BYTES, collectMetadata, parseUploadForm } from './upload-form';

const form = (entries: Record<string, string | string[]>) => new Map(Object.entries(entries).map(([key, value]) => [key, Array.isArray(value) ? value : [value]]));
const twine = {
  name: 'demo-pkg', version: '0.1.0', filetype: 'bdist_wheel', pyversion: 'py3', metadata_version: '2.1', summary: 'Demo', home_page: '',
  sha256_digest: 'A'.repeat(64), md5_digest: '', blake2_256_digest: 'b'.repeat(64), ':action': 'file_upload', protocol_version: '1', requires_python: '>=3.8',
};

describe('legacy upload form', () => {
  it('reads what twine 4.0.2 sends, dropping empty fields', () => {
    const parsed = parseUploadForm(form({ ...twine, classifiers: ['A :: B', 'C :: D'], requires_dist: ['dep>=1'] }));
    expect(parsed).toMatchObject({ name: 'demo-pkg', version: '0.1.0', filetype: 'bdist_wheel', pyversion: 'py3', requiresPython: '>=3.8', digests: { sha256: 'a'.repeat(64), blake2_256: 'b'.repeat(64) } });
    expect(parsed.digests.md5).toBeUndefined();
    expect(parsed.metadata).toEqual({ metadata_version: '2.1', summary: 'Demo', requires_python: '>=3.8', classifiers: ['A :: B', 'C :: D'], requires_dist: ['dep>=1'] });
  });

  it('accepts an sdist without pyversion or with "source"', () => {
    expect(parseUploadForm(form({ ...twine, filetype: 'sdist', pyversion: '' })).pyversion).toBe('source');
    expect(parseUploadForm(form({ ...twine, filetype: 'sdist', pyversion: 'source' })).pyversion).toBe('source');
    expect(() => parseUploadForm(form({ ...twine, filetype: 'sdist', pyversion: 'py3' }))).toThrow(/sdist/);
  });

  it.each([
    [{ name: '' }, /missing required field name/],
    [{ name: '-bad-' }, /invalid project name/],
    [{ version: 'one' }, /PEP 440/],
    [{ filetype: 'bdist_egg' }, /unsupported filetype/],
    [{ pyversion: '' }, /needs pyversion/],
    [{ sha256_digest: 'xyz' }, /64 hex/],
    [{ sha256_digest: '', blake2_256_digest: '' }, /at least one of/],
    [{ ':action': 'remove_pkg' }, /unsupported :action/],
    [{ protocol_version: '2' }, /protocol_version/],
    [{ version: ['1.0', '2.0'] }, /sent 2 times/],
  ])('refuses %j', (overrides, pattern) => {
    expect(() => parseUploadForm(form({ ...twine, ...overrides }))).toThrow(InvalidInputError);
    expect(() => parseUploadForm(form({ ...twine, ...overrides }))).toThrow(pattern);
  });

  it('cuts a long description so the metadata fits a MySQL TEXT column', () => {
    const metadata = collectMetadata(form({ summary: 's', description: 'é'.repeat(100_000) }));
    expect(Buffer.byteLength(JSON.stringify(metadata))).toBeLessThanOrEqual(MAX_METADATA_BYTES);
    expect(metadata.description_truncated).toBe(true);
    expect(() => collectMetadata(form({ classifiers: Array.from({ length: 2000 }, (_, i) => `Topic :: ${i} :: ${'x'.repeat(40)}`) }))).toThrow(/too large/);
  });
});
