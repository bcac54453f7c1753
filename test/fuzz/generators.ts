import { createHash } from 'node:crypto';

/** mulberry32: small, fast, seeded; the same seed replays the same requests. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i += 1) out[i] = this.int(256);
    return out;
  }

  text(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_.~%/:@!$&\'()*+,;=?#[] \t"<>\\^`{|}'): string {
    let out = '';
    for (let i = 0; i < length; i += 1) out += alphabet[this.int(alphabet.length)];
    return out;
  }
}

export interface FuzzRequest {
  family: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface FuzzContext {
  token: string;
  registryToken: string;
  cookie: string;
  /** A real file of the seeded PyPI project, an npm tarball, a Docker blob digest. */
  pypiFile: string;
  npmTarball: string;
  blobDigest: string;
  uploadPath: string;
}

const WEIRD_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'PURGE', 'SEARCH', 'REPORT', 'LINK', 'UNLINK'];

const SEGMENTS = ['..', '%2e%2e', '%2E%2E%2F', '%00', 'a%00b', '%ZZ', '%', '%2f', '%5c', '\u00e9', '%C3%A9', '%FF%FE', '.', '', '~', 'x'.repeat(300), '%252e%252e', '..%2f..%2fetc%2fpasswd', '@', '@scope', '@scope%2fname', '-', '-rev', 'null', 'undefined', '__proto__', 'constructor', '0', '-1', '99999999999999999999', '%20', '+', 'a b', '\\', ';', ',', '*', '{}', '[]'];

export function mutateSegment(rng: Rng, segment: string): string {
  switch (rng.int(6)) {
    case 0:
      return rng.pick(SEGMENTS);
    case 1:
      return `${segment}${rng.pick(SEGMENTS)}`;
    case 2:
      return encodeURIComponent(rng.text(rng.int(20) + 1));
    case 3:
      return segment.toUpperCase();
    case 4:
      return `${segment}/${rng.pick(SEGMENTS)}`;
    default:
      return segment;
  }
}

/** The path with some segments replaced, `../` and `%00` injected, query garbage appended. */
export function mutatePath(rng: Rng, path: string): string {
  const [base, query] = path.split('?');
  const segments = base.split('/');
  for (let i = 1; i < segments.length; i += 1) if (rng.chance(0.25)) segments[i] = mutateSegment(rng, segments[i]);
  let out = segments.join('/');
  if (rng.chance(0.1)) out = out.replace(/\//g, '//');
  if (rng.chance(0.1)) out += rng.pick(['/', '/..', '/%00', '/.', '%20', '#frag', ';jsessionid=1']);
  const queries = query ? [query] : [];
  if (rng.chance(0.3)) queries.push(rng.pick(['n=-1', 'n=abc', 'n=99999999999', 'last=%00', 'format=json', 'format=%FF', 'digest=sha256:zz', 'digest=', 'mount=sha256:' + 'a'.repeat(64), 'from=../x', 'auth_token=pgt_garbage', 'auth_token=', 'limit=-5', 'before=notadate', 'type=docker', 'type=nope', 'q=%25', 'text=' + 'a'.repeat(2000), 'a[b][c]=1', 'a[__proto__][x]=1', '%ZZ=1', 'x=1&x=2&x=3']));
  return queries.length ? `${out}?${queries.join('&')}` : out;
}

function b64(value: string): string {
  return Buffer.from(value, 'latin1').toString('base64');
}

/** Valid, broken and hostile Authorization headers. */
export function authorization(rng: Rng, ctx: FuzzContext): string | undefined {
  const flip = (token: string) => {
    const i = 4 + rng.int(token.length - 4);
    return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
  };
  let choice = rng.int(24);
  // Username/password attempts cost a full argon2 verification each (by design): keep them rare
  // so a run stays fast; they are still a few dozen per 10,000 requests.
  if ((choice === 11 || choice === 12 || choice === 13 || choice === 20) && !rng.chance(0.03)) choice = 2;
  switch (choice) {
    case 0:
    case 1:
      return undefined;
    case 2:
    case 3:
    case 4:
      return `Bearer ${ctx.token}`;
    case 5:
      return `Basic ${b64(`__token__:${ctx.token}`)}`;
    case 6:
      return `Basic ${b64(`${ctx.token}:`)}`;
    case 7:
      return `Bearer ${ctx.registryToken}`;
    case 8:
      return `Bearer ${flip(ctx.token)}`;
    case 9:
      return `Bearer ${ctx.token.slice(0, rng.int(ctx.token.length))}`;
    case 10:
      return `Bearer pgt_${rng.text(rng.int(200), 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/')}`;
    case 11:
      return `Basic ${rng.text(rng.int(100), 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=!*')}`;
    case 12:
      return `Basic ${b64(rng.text(rng.int(60)))}`; // maybe no colon
    case 13:
      return `Basic ${b64(`nosuchuser-${rng.int(1e6)}:${rng.text(12)}`)}`;
    case 14:
      return rng.pick(['Basic', 'Bearer', 'Basic ', 'Bearer ', 'bearer  ', 'BASIC ===', 'Digest username="x"', 'Negotiate YIIG', 'Token abc', 'Bearer a b c', 'Basic Og==', 'Basic OjpAOg==']);
    case 15:
      return `Bearer ${'A'.repeat(rng.pick([1000, 4000, 8000]))}`;
    case 16:
      return `Basic ${b64(`__token__:${flip(ctx.token)}`)}`;
    case 17:
      return `Bearer ${ctx.registryToken.slice(0, -3)}xyz`;
    case 18:
      return `Bearer ${ctx.registryToken.split('.').slice(0, 2).join('.')}.`;
    case 19:
      return `Bearer eyJhbGciOiJub25lIn0.${b64('{"sub":"admin","access":[{"type":"repository","name":"*","actions":["*"]}]}')}.`;
    case 20:
      return `Basic ${b64(`${'u'.repeat(3000)}:${'p'.repeat(3000)}`)}`;
    case 21:
      return `Bearer ${ctx.token}\u0000`;
    default:
      return `Bearer ${ctx.token}`;
  }
}

function garbageJson(rng: Rng): Buffer {
  const options: (() => string)[] = [
    () => '',
    () => '{',
    () => '{"a":',
    () => 'null',
    () => '[]',
    () => '"string"',
    () => '12345678901234567890',
    () => '{"__proto__":{"isAdmin":true}}',
    () => '{"constructor":{"prototype":{"x":1}}}',
    () => '['.repeat(5000) + ']'.repeat(5000),
    () => '{"a":'.repeat(3000) + '1' + '}'.repeat(3000),
    () => JSON.stringify({ username: rng.text(20), password: rng.text(20) }),
    () => JSON.stringify({ name: rng.text(rng.int(300)), roles: [rng.text(10), 7, null, { a: 1 }] }),
    () => JSON.stringify({ name: 'x', roles: 'api', expiresAt: rng.pick(['yesterday', -1, 1e20, '9999-99-99', null]) }),
    () => JSON.stringify({ private: rng.pick(['yes', 1, null, [], {}]), permissionMode: rng.pick(['package', 'nope', 5, null]) }),
    () => JSON.stringify({ yanked: rng.pick([true, 'true', 2]), yankedReason: 'x'.repeat(rng.int(20000)) }),
    () => JSON.stringify({ roles: Array.from({ length: 500 }, (_, i) => `pypi:p${i}:write`) }),
    () => JSON.stringify({ token: rng.pick(['pgt_', 'pgt_' + rng.text(50), '', 5, null]) }),
    () => '{"a":"\ud800"}',
    () => '\ufeff{}',
    () => rng.bytes(rng.int(200)).toString('latin1'),
  ];
  return Buffer.from(rng.pick(options)(), rng.chance(0.9) ? 'utf8' : 'latin1');
}

function multipart(rng: Rng, ctx: FuzzContext): { body: Buffer; type: string } {
  const boundary = rng.pick(['----fuzz' + rng.int(1e9), '', 'a'.repeat(80), '"quoted"', '--', '\u00e9']);
  const fields: [string, string][] = [
    ['name', rng.pick(['fuzz-pkg', '', '../x', 'a'.repeat(300), 'Fuzz_Pkg', '%00', 'ok-pkg'])],
    ['version', rng.pick(['1.0.0', '', 'not-a-version', '1.0.0\u0000', '1'.repeat(200), '2!1.0.post1.dev2+local'])],
    [':action', rng.pick(['file_upload', 'submit', '', 'doc_upload'])],
    ['filetype', rng.pick(['sdist', 'bdist_wheel', 'bdist_egg', ''])],
    ['pyversion', rng.pick(['source', 'py3', ''])],
    ['sha256_digest', rng.pick(['', 'zz', 'a'.repeat(64), createHash('sha256').update('x').digest('hex')])],
    ['md5_digest', rng.pick(['', 'b'.repeat(32), 'nothex'])],
    ['blake2_256_digest', rng.pick(['', 'c'.repeat(64), 'short'])],
    ['metadata_version', rng.pick(['2.1', '99', ''])],
  ].filter(() => rng.chance(0.8)) as [string, string][];
  const parts: Buffer[] = [];
  for (const [name, value] of fields) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  if (rng.chance(0.8)) {
    const filename = rng.pick(['fuzz_pkg-1.0.0-py3-none-any.whl', 'fuzz-pkg-1.0.0.tar.gz', '../../evil.whl', 'x.exe', '', 'a/b.whl', 'fuzz_pkg-1.0.0.zip', ctx.pypiFile]);
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${rng.pick(['content', 'content', 'file', ''])}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    parts.push(rng.chance(0.3) ? Buffer.from('PK\u0003\u0004' + rng.text(100), 'latin1') : rng.bytes(rng.int(4096)));
    parts.push(Buffer.from('\r\n'));
  }
  if (rng.chance(0.6)) parts.push(Buffer.from(`--${boundary}--\r\n`));
  let body = Buffer.concat(parts);
  if (rng.chance(0.3)) body = body.subarray(0, rng.int(body.length + 1)); // truncated
  const type = rng.pick([`multipart/form-data; boundary=${boundary}`, 'multipart/form-data', `multipart/form-data; boundary="${boundary}"`, 'application/x-www-form-urlencoded', 'text/plain', `multipart/mixed; boundary=${boundary}`]);
  return { body, type };
}

function npmPublish(rng: Rng): Buffer {
  const name = rng.pick(['fuzz-lib', '@default/fuzz-lib', '../x', 'A'.repeat(300), '', 'fuzz lib']);
  const version = rng.pick(['1.0.' + rng.int(1000), 'x', '', '1.0.0-' + 'a'.repeat(300)]);
  const data = rng.bytes(rng.int(512));
  const doc: Record<string, unknown> = {
    _id: name,
    name: rng.chance(0.8) ? name : rng.text(10),
    'dist-tags': rng.pick([{ latest: version }, { latest: 5 }, null, 'x', { '../x': version }]),
    versions: rng.pick([{ [version]: { name, version, dist: { integrity: rng.pick(['sha512-' + data.toString('base64'), 'md5-xx', '', null]), shasum: rng.pick(['', 'zz', 'a'.repeat(40)]) } } }, null, [], { [version]: null }, { [version]: 'x' }]),
    _attachments: rng.pick([{ [`${name}-${version}.tgz`]: { data: rng.pick([data.toString('base64'), '!!!notbase64', '', 7]), length: rng.pick([data.length, -1, 'x', 1e12]) } }, null, {}, { a: 1, b: 2 }, 'str']),
  };
  let text = JSON.stringify(doc);
  if (rng.chance(0.3)) text = text.slice(0, rng.int(text.length));
  return Buffer.from(text);
}

function ociManifest(rng: Rng, ctx: FuzzContext): Buffer {
  const desc = () => rng.pick([{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: ctx.blobDigest, size: 3 }, { digest: 'sha256:zz', size: -1 }, { digest: 'sha256:' + 'a'.repeat(64), size: 1 }, null, 'x', {}]);
  const doc = rng.pick([
    { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: desc(), layers: [desc(), desc()] },
    { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [desc()] },
    { schemaVersion: 1, name: 'x', tag: 'y', fsLayers: [{ blobSum: 'sha256:zz' }] },
    { schemaVersion: 'two' },
    { schemaVersion: 2, config: desc(), layers: 'no', subject: desc(), annotations: { a: 5 } },
  ]);
  let text = JSON.stringify(doc);
  if (rng.chance(0.2)) text = text.slice(0, rng.int(text.length));
  if (rng.chance(0.1)) text = '{"schemaVersion":2,' + '"a":['.repeat(2000) + ']'.repeat(2000) + '}';
  return Buffer.from(text);
}

const RANGES = ['bytes=0-0', 'bytes=5-1', 'bytes=-0', 'bytes=999999999-', 'bytes=0-1,2-3', 'bytes=abc', 'items=0-1', 'bytes=', 'bytes=-99999999999999999999', '0-10', 'bytes=1-2-3'];
const CONTENT_RANGES = ['0-0', '5-1', 'bytes 0-9/10', 'a-b', '-1-5', '0-99999999999999999999', '', '1-', 'bytes=0-1', '0-3/*'];
const ACCEPTS = ['*/*', 'application/vnd.pypi.simple.v1+json', 'application/vnd.pypi.simple.v1+html;q=0.2, text/html', 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8', 'garbage/;;;q=x', 'application/vnd.oci.image.manifest.v1+json', 'text/html;q=abc', '', 'a'.repeat(5000)];

/** One malformed (or occasionally valid) request. */
export function nextRequest(rng: Rng, ctx: FuzzContext): FuzzRequest {
  const family = rng.pick(['rest', 'rest', 'pypi', 'pypi', 'npm', 'npm', 'docker', 'docker', 'auth', 'misc']);
  const headers: Record<string, string> = {};
  let method = 'GET';
  let path = '/';
  let body: Buffer | undefined;
  switch (family) {
    case 'rest': {
      path = rng.pick([
        '/api/v1/orgs',
        '/api/v1/orgs/default',
        '/api/v1/orgs/default/tokens',
        '/api/v1/orgs/default/tokens/123/rotate',
        '/api/v1/orgs/default/tokens/abc',
        '/api/v1/orgs/default/packages',
        '/api/v1/orgs/default/packages/pypi/fuzz-pkg',
        '/api/v1/orgs/default/packages/npm/fuzz-lib',
        '/api/v1/orgs/default/packages/docker/fuzz-image',
        '/api/v1/orgs/default/packages/pypi/fuzz-pkg/versions/1.0.0',
        '/api/v1/orgs/default/packages/pypi/fuzz-pkg/versions/1.0.0/files/x.whl',
        '/api/v1/orgs/default/members',
        '/api/v1/orgs/default/members/nobody',
        '/api/v1/orgs/default/roles',
        '/api/v1/orgs/default/audit',
        '/api/v1/orgs/default/feed.atom',
        '/api/v1/users',
        '/api/v1/users/admin',
        '/api/v1/auth/login',
        '/api/v1/auth/logout',
        '/api/v1/me',
        '/api/v1/tokens/inspect',
        '/api/v1/info',
        '/api/v1/orgs/nope/packages',
        '/api/docs-json',
      ]);
      method = rng.pick(rng.chance(0.8) ? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] : WEIRD_METHODS);
      if (method !== 'GET' && method !== 'HEAD' && rng.chance(0.85)) {
        body = garbageJson(rng);
        headers['content-type'] = rng.pick(['application/json', 'application/json', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/merge-patch+json']);
      }
      if (rng.chance(0.3)) headers.cookie = rng.pick([ctx.cookie, 'packgate_session=garbage', 'packgate_session=', `packgate_session=${'x'.repeat(5000)}`, 'a=b; ; ;=;']);
      break;
    }
    case 'pypi': {
      const kind = rng.int(4);
      if (kind === 0) {
        method = rng.chance(0.9) ? 'POST' : rng.pick(WEIRD_METHODS);
        path = rng.pick(['/default/pypi/', '/default/pypi/legacy/', '/nope/pypi/', '/default/pypi']);
        const form = multipart(rng, ctx);
        body = form.body;
        headers['content-type'] = form.type;
      } else if (kind === 1) {
        path = rng.pick(['/default/pypi/simple/', '/default/pypi/simple/fuzz-pkg/', '/default/pypi/simple/Fuzz_Pkg', '/default/pypi/simple/nope/', '/default/pypi/simple/fuzz-pkg/?format=application/vnd.pypi.simple.v1+json']);
        method = rng.pick(['GET', 'GET', 'HEAD', 'POST', 'DELETE']);
        headers.accept = rng.pick(ACCEPTS);
      } else {
        path = rng.pick([`/default/pypi/files/fuzz-pkg/${ctx.pypiFile}`, `/default/pypi/files/fuzz-pkg/${ctx.pypiFile}.metadata`, '/default/pypi/files/fuzz-pkg/nope.whl', '/default/pypi/files/..%2f..%2fsecret', '/default/pypi/files/fuzz-pkg/']);
        method = rng.pick(['GET', 'HEAD', 'GET']);
        if (rng.chance(0.6)) headers.range = rng.pick(RANGES);
        if (rng.chance(0.3)) headers['if-none-match'] = rng.pick(['*', '"x"', 'W/"x"', '"' + 'a'.repeat(64) + '"', 'garbage']);
        if (rng.chance(0.2)) headers['if-range'] = rng.pick(['"x"', 'Mon, 01 Jan 2024 00:00:00 GMT', 'zz']);
      }
      break;
    }
    case 'npm': {
      const kind = rng.int(4);
      if (kind === 0) {
        method = rng.pick(['PUT', 'PUT', 'POST', 'DELETE']);
        path = rng.pick(['/default/npm/fuzz-lib', '/default/npm/@default%2ffuzz-lib', '/default/npm/fuzz-lib/-rev/1-abc', '/default/npm/x%00', '/default/npm/-/package/fuzz-lib/dist-tags/beta', '/default/npm/-/package/fuzz-lib/dist-tags/latest']);
        body = path.includes('dist-tags') ? Buffer.from(rng.pick(['"1.0.0"', '"nope"', '1', '{"a":1}', '', '"' + 'x'.repeat(5000) + '"'])) : npmPublish(rng);
        headers['content-type'] = rng.pick(['application/json', 'application/json', 'text/plain', '']);
        if (!headers['content-type']) delete headers['content-type'];
      } else if (kind === 1) {
        path = rng.pick(['/default/npm/fuzz-lib', '/default/npm/@default/fuzz-lib', '/default/npm/@default%2ffuzz-lib', '/default/npm/nope', '/default/npm/-/package/fuzz-lib/dist-tags', '/default/npm/-/ping', '/default/npm/-/whoami', '/default/npm/-/v1/search?text=fuzz&size=-1&from=abc', '/default/npm/-/npm/v1/tokens', '/default/npm/-/npm/v1/security/advisories/bulk', '/default/npm/-/v1/login', '/default/npm/-/user/org.couchdb.user:x']);
        method = rng.pick(['GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE']);
        headers.accept = rng.pick(ACCEPTS);
        if (method !== 'GET' && method !== 'HEAD') {
          body = garbageJson(rng);
          headers['content-type'] = 'application/json';
        }
      } else {
        path = rng.pick([`/default/npm/fuzz-lib/-/${ctx.npmTarball}`, '/default/npm/fuzz-lib/-/nope-1.0.0.tgz', '/default/npm/fuzz-lib/-/..%2f..%2fx.tgz', `/default/npm/fuzz-lib/-/${ctx.npmTarball}/-rev/1-x`]);
        method = rng.pick(['GET', 'HEAD', 'DELETE']);
        if (rng.chance(0.5)) headers.range = rng.pick(RANGES);
      }
      break;
    }
    case 'docker': {
      const repo = rng.pick(['default/fuzz-image', 'default/nope', 'DEFAULT/Upper', 'default/a/b/c/d', 'default/' + 'x'.repeat(300), 'nope/x', 'default/fuzz-image/../x']);
      const kind = rng.int(6);
      if (kind === 0) {
        path = rng.pick([`/v2/${repo}/manifests/latest`, `/v2/${repo}/manifests/${ctx.blobDigest}`, `/v2/${repo}/manifests/sha256:zz`, `/v2/${repo}/manifests/${'t'.repeat(200)}`, `/v2/${repo}/manifests/-bad`]);
        method = rng.pick(['GET', 'HEAD', 'PUT', 'PUT', 'DELETE']);
        if (method === 'PUT') {
          body = ociManifest(rng, ctx);
          headers['content-type'] = rng.pick(['application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.v2+json', 'application/json', 'text/plain', '']);
          if (!headers['content-type']) delete headers['content-type'];
        } else headers.accept = rng.pick(ACCEPTS);
      } else if (kind === 1) {
        path = rng.pick([`/v2/${repo}/blobs/${ctx.blobDigest}`, `/v2/${repo}/blobs/sha256:${'0'.repeat(64)}`, `/v2/${repo}/blobs/sha512:abc`, `/v2/${repo}/blobs/md5:x`, `/v2/${repo}/blobs/`]);
        method = rng.pick(['GET', 'HEAD', 'DELETE', 'PUT']);
        if (rng.chance(0.5)) headers.range = rng.pick(RANGES);
      } else if (kind === 2) {
        path = rng.pick([`/v2/${repo}/blobs/uploads/`, `/v2/${repo}/blobs/uploads/?digest=${ctx.blobDigest}`, `/v2/${repo}/blobs/uploads/?digest=sha256:${'1'.repeat(64)}`, `/v2/${repo}/blobs/uploads/?digest=bogus`, `/v2/${repo}/blobs/uploads/?mount=${ctx.blobDigest}&from=default/fuzz-image`, `/v2/${repo}/blobs/uploads/?mount=sha256:zz&from=../../x`, `/v2/${repo}/blobs/uploads/?digest-algorithm=sha512`]);
        method = rng.pick(['POST', 'POST', 'GET', 'PUT']);
        if (rng.chance(0.6)) body = rng.bytes(rng.int(2048));
      } else if (kind === 3) {
        path = rng.pick([ctx.uploadPath, `/v2/${repo}/blobs/uploads/00000000-0000-0000-0000-000000000000`, `/v2/${repo}/blobs/uploads/not-a-uuid`, `/v2/${repo}/blobs/uploads/${'f'.repeat(36)}`, `${ctx.uploadPath}?digest=sha256:zz`, `${ctx.uploadPath}?digest=${ctx.blobDigest}`]);
        method = rng.pick(['PATCH', 'PATCH', 'PUT', 'GET', 'DELETE']);
        if (method === 'PATCH' || method === 'PUT') {
          body = rng.bytes(rng.int(1024));
          if (rng.chance(0.6)) headers['content-range'] = rng.pick(CONTENT_RANGES);
          headers['content-type'] = 'application/octet-stream';
        }
      } else if (kind === 4) {
        path = rng.pick(['/v2/', '/v2', '/v2/_catalog', '/v2/_catalog?n=0', '/v2/_catalog?n=-1&last=%00', `/v2/${repo}/tags/list`, `/v2/${repo}/tags/list?n=abc&last=zz`, `/v2/${repo}/referrers/${ctx.blobDigest}`, `/v2/${repo}/referrers/sha256:zz?artifactType=%00`, '/v2/default/fuzz-image/gc', '/api/v1/docker/gc']);
        method = rng.pick(['GET', 'GET', 'HEAD', 'POST', 'DELETE']);
      } else {
        path = rng.pick([
          '/v2/token',
          '/v2/token?service=packgate',
          `/v2/token?service=packgate&scope=repository:${repo}:pull,push`,
          '/v2/token?scope=repository:default/fuzz-image:*&scope=registry:catalog:*',
          '/v2/token?scope=garbage',
          '/v2/token?scope=repository::pull',
          '/v2/token?scope=repository:default/x:pull:extra',
          `/v2/token?scope=${'repository:a:pull '.repeat(200)}`,
          '/v2/token?account=%00&offline_token=true',
        ]);
        method = rng.pick(['GET', 'GET', 'POST']);
        if (method === 'POST') {
          body = Buffer.from(rng.pick(['grant_type=password&username=__token__&password=' + ctx.token, 'grant_type=refresh_token&refresh_token=garbage', 'grant_type=%ZZ', '', 'scope=repository:x:pull&grant_type=password']));
          headers['content-type'] = 'application/x-www-form-urlencoded';
        }
      }
      break;
    }
    case 'auth': {
      path = rng.pick(['/api/v1/me', '/default/pypi/simple/', '/default/npm/-/whoami', '/v2/', '/v2/token?scope=repository:default/fuzz-image:pull', '/api/v1/orgs/default/feed.atom', '/default/pypi/simple/fuzz-pkg/?auth_token=' + encodeURIComponent(ctx.token.slice(0, 40))]);
      method = rng.pick(['GET', 'HEAD']);
      break;
    }
    default: {
      path = rng.pick(['/', '/healthz', '/readyz', '/metrics', '/index.html', '/assets/../../package.json', '/assets/%2e%2e/%2e%2e/package.json', '/api/docs', '/favicon.ico', '/%00', '/..', '/\u00e9', '/default', '/default/', '/default/unknown/x']);
      method = rng.pick(WEIRD_METHODS);
      if (rng.chance(0.2)) body = rng.bytes(rng.int(300));
    }
  }
  if (rng.chance(0.35)) path = mutatePath(rng, path);
  const auth = authorization(rng, ctx);
  if (auth !== undefined) headers.authorization = auth;
  if (rng.chance(0.05)) headers['x-request-id'] = rng.pick(['x'.repeat(5000), '\t', 'ok-id', '../../x']);
  if (rng.chance(0.05)) headers['x-fuzz-' + rng.int(1000)] = 'v'.repeat(rng.pick([10, 4000, 12000]));
  if (rng.chance(0.05)) headers['content-encoding'] = rng.pick(['gzip', 'br', 'deflate', 'identity', 'garbage']);
  if (rng.chance(0.05)) headers['content-type'] = rng.pick(['', ';;;', 'application/json; charset=nope', 'multipart/form-data; boundary=', 'x/y; a="unterminated']);
  if (rng.chance(0.05)) headers.host = rng.pick(['', 'evil.example', 'a'.repeat(300), '[::1]:99999', 'host:port:extra']);
  if (rng.chance(0.03)) headers.expect = '100-continue';
  return { family, method, path, headers, body };
}

/** Raw bytes a normal client would refuse to send: bad request lines, bad framing. */
export function rawRequest(rng: Rng, port: number): Buffer {
  const host = `Host: 127.0.0.1:${port}\r\n`;
  return Buffer.from(
    rng.pick([
      `GET /../../etc/passwd HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
      `GET /%00 HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
      `GET / HTTP/9.9\r\n${host}Connection: close\r\n\r\n`,
      `GET  /  HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
      `G\u0000T / HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
      `GET / HTTP/1.1\r\n${host}No-Colon-Header\r\nConnection: close\r\n\r\n`,
      `GET / HTTP/1.1\r\n${host}X: ${'a'.repeat(100_000)}\r\nConnection: close\r\n\r\n`,
      `POST /api/v1/auth/login HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\nContent-Type: application/json\r\nConnection: close\r\n\r\nZZZ\r\n{}\r\n0\r\n\r\n`,
      `POST /api/v1/auth/login HTTP/1.1\r\n${host}Content-Length: 2\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{}`,
      `POST /api/v1/auth/login HTTP/1.1\r\n${host}Content-Length: -1\r\nConnection: close\r\n\r\n`,
      `POST /default/pypi/ HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n0\r\n\r\n`,
      `PATCH /v2/default/fuzz-image/blobs/uploads/x HTTP/1.1\r\n${host}Content-Length: 3\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`,
      `GET /api/v1/me HTTP/1.1\r\n${host}Authorization: Basic \u00ff\u00fe\r\nConnection: close\r\n\r\n`,
      `GET /v2/ HTTP/1.1\r\n${host}Authorization: Bearer \u00e9\u00e9\r\nConnection: close\r\n\r\n`,
      `CONNECT 127.0.0.1:22 HTTP/1.1\r\n${host}\r\n`,
      `GET http://evil.example/ HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
      `GET * HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
      `\r\n\r\nGET / HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
      `${rng.text(50)}\r\n\r\n`,
      `GET / HTTP/1.1\r\nConnection: close\r\n\r\n`,
      `GET /healthz HTTP/1.0\r\n\r\n`,
    ]),
    'latin1',
  );
}
