/**
 * PEP 440 versions: validation, normalisation (what `packaging.version.Version` prints) and
 * ordering. Pure; used to match filenames against the form's version and to sort PEP 700 `versions`.
 */
const VERSION_PATTERN = new RegExp(
  '^\\s*v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?' +
    '(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?' +
    '\\s*$',
  'i',
);

export interface ParsedVersion {
  epoch: number;
  release: number[];
  pre?: { label: 'a' | 'b' | 'rc'; number: number };
  post?: number;
  dev?: number;
  local?: string[];
}

const PRE_LABELS: Record<string, 'a' | 'b' | 'rc'> = { alpha: 'a', a: 'a', beta: 'b', b: 'b', c: 'rc', pre: 'rc', preview: 'rc', rc: 'rc' };

export function parseVersion(text: string): ParsedVersion | null {
  if (text.length > 128) return null;
  const match = VERSION_PATTERN.exec(text);
  if (!match?.groups) return null;
  const g = match.groups;
  const parsed: ParsedVersion = { epoch: g.epoch ? Number(g.epoch) : 0, release: g.release.split('.').map(Number) };
  if (g.pre_l) parsed.pre = { label: PRE_LABELS[g.pre_l.toLowerCase()], number: g.pre_n ? Number(g.pre_n) : 0 };
  if (g.post) parsed.post = Number(g.post_n1 ?? g.post_n2 ?? 0);
  if (g.dev) parsed.dev = g.dev_n ? Number(g.dev_n) : 0;
  if (g.local) parsed.local = g.local.toLowerCase().split(/[-_.]/);
  return parsed;
}

export function isValidVersion(text: string): boolean {
  return parseVersion(text) !== null;
}

/** The canonical spelling (`1.0-RC1` → `1.0rc1`); invalid versions come back unchanged. */
export function normalizeVersion(text: string): string {
  const v = parseVersion(text);
  if (!v) return text;
  let out = v.epoch ? `${v.epoch}!` : '';
  out += v.release.join('.');
  if (v.pre) out += `${v.pre.label}${v.pre.number}`;
  if (v.post !== undefined) out += `.post${v.post}`;
  if (v.dev !== undefined) out += `.dev${v.dev}`;
  if (v.local) out += `+${v.local.join('.')}`;
  return out;
}

const PRE_ORDER = { a: 0, b: 1, rc: 2 };

/** Sort key pieces following `packaging.version._cmpkey`. */
function compareParsed(a: ParsedVersion, b: ParsedVersion): number {
  if (a.epoch !== b.epoch) return a.epoch - b.epoch;
  const trim = (r: number[]) => {
    const copy = [...r];
    while (copy.length > 1 && copy[copy.length - 1] === 0) copy.pop();
    return copy;
  };
  const ra = trim(a.release);
  const rb = trim(b.release);
  for (let i = 0; i < Math.max(ra.length, rb.length); i++) {
    const d = (ra[i] ?? 0) - (rb[i] ?? 0);
    if (d !== 0) return d;
  }
  const preKey = (v: ParsedVersion): number[] => {
    if (!v.pre && v.post === undefined && v.dev !== undefined) return [-Infinity];
    if (!v.pre) return [Infinity];
    return [PRE_ORDER[v.pre.label], v.pre.number];
  };
  const d1 = compareArrays(preKey(a), preKey(b));
  if (d1 !== 0) return d1;
  const d2 = compareArrays([a.post ?? -Infinity], [b.post ?? -Infinity]);
  if (d2 !== 0) return d2;
  const d3 = compareArrays([a.dev ?? Infinity], [b.dev ?? Infinity]);
  if (d3 !== 0) return d3;
  return compareLocal(a.local, b.local);
}

function compareArrays(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? -Infinity;
    const y = b[i] ?? -Infinity;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function compareLocal(a?: string[], b?: string[]): number {
  if (!a && !b) return 0;
  if (!a) return -1;
  if (!b) return 1;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? 1 : -1; // numeric segments sort after alphanumeric ones
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Orders PEP 440 versions ascending; invalid ones sort first, by text. */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (pa && pb) return compareParsed(pa, pb);
  if (!pa && !pb) return a < b ? -1 : a > b ? 1 : 0;
  return pa ? 1 : -1;
}

/** Equal as PEP 440 versions (`1.0` == `1.0.0`, `1.0-RC1` == `1.0rc1`). */
export function sameVersion(a: string, b: string): boolean {
  return isValidVersion(a) && isValidVersion(b) && compareVersions(a, b) === 0;
}
