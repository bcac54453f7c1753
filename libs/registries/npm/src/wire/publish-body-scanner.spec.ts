import { Base64Decoder, PublishBodyScanner } from './publish-body-scanner';

function scan(text: string, chunkSize: number) {
  const scanner = new PublishBodyScanner();
  const data: string[] = [];
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunkSize) data.push(...scanner.push(bytes.subarray(i, i + chunkSize)));
  return { doc: scanner.finish(), data: data.join(''), key: scanner.capturedKey };
}

const body = {
  _id: '@team/lib',
  name: '@team/lib',
  description: 'has "quotes" and \\ backslashes and a "data" key',
  'dist-tags': { latest: '1.0.0' },
  versions: { '1.0.0': { name: '@team/lib', version: '1.0.0', data: 'not-an-attachment', _attachments: { x: { data: 'nested' } } } },
  readme: 'é ünïcödé \n "data": "x"',
  _attachments: { '@team/lib-1.0.0.tgz': { content_type: 'application/octet-stream', data: 'aGVsbG8gd29ybGQ=', length: 11 } },
};

describe('PublishBodyScanner', () => {
  it.each([1, 2, 3, 7, 64, 100000])('streams the attachment out and keeps the rest (chunks of %i bytes)', (size) => {
    const { doc, data, key } = scan(JSON.stringify(body), size);
    expect(data).toBe('aGVsbG8gd29ybGQ=');
    expect(key).toBe('@team/lib-1.0.0.tgz');
    expect(doc).toEqual({ ...body, _attachments: { '@team/lib-1.0.0.tgz': { ...body._attachments['@team/lib-1.0.0.tgz'], data: '' } } });
  });

  it('handles keys with escapes and pretty-printed JSON', () => {
    const text = JSON.stringify({ 'we\\"ird': 1, _attachments: { 'a\u00e9.tgz': { data: 'QUJD' } } }, null, 2);
    const { data, key } = scan(text, 5);
    expect(data).toBe('QUJD');
    expect(key).toBe('a\u00e9.tgz');
  });

  it('captures only the first attachment; a later one stays in the document', () => {
    const { doc, data } = scan(JSON.stringify({ _attachments: { 'a.tgz': { data: 'QQ==' }, 'b.sigstore': { data: 'Qg==' } } }), 4);
    expect(data).toBe('QQ==');
    expect((doc._attachments as Record<string, { data: string }>)['b.sigstore'].data).toBe('Qg==');
  });

  it('finds nothing in a metadata-only document (deprecate, unpublish)', () => {
    const { data, key } = scan(JSON.stringify({ name: 'x', versions: {} }), 3);
    expect(data).toBe('');
    expect(key).toBeNull();
  });

  it.each(['[1,2]', '"text"', '{"a": 1', '{"a": }', 'nope'])('refuses %j', (text) => {
    expect(() => scan(text, 2)).toThrow(/JSON/);
  });

  it('refuses escapes inside attachment data', () => {
    expect(() => scan('{"_attachments":{"a.tgz":{"data":"QU\\/J"}}}', 4)).toThrow(/base64/);
  });
});

describe('Base64Decoder', () => {
  const decode = (pieces: string[]) => {
    const decoder = new Base64Decoder();
    return Buffer.concat([...pieces.map((p) => decoder.push(p)), decoder.end()]).toString();
  };

  it('decodes across arbitrary splits', () => {
    expect(decode(['aGVs', 'bG8g', 'd29y', 'bGQ='])).toBe('hello world');
    expect(decode(['a', 'GVsbG8gd2', '9ybGQ', '='])).toBe('hello world');
    expect(decode(['aGVsbG8'])).toBe('hello');
  });

  it.each([['aGV!bG8='], ['aGVs', 'bG8=', 'QQ=='], ['aG=s'], ['aGVsb']])('refuses corrupted data %j', (...pieces) => {
    expect(() => decode(pieces)).toThrow(/base64/);
  });
});
