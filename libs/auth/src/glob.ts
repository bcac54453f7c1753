/**
 * The one glob matcher (token `packages` caveats, trusted-publisher claims, reserved upstream
 * names). `*` glob matching (any run of characters, including none; everything else literal), in time
 * linear in pattern plus text: the pattern splits at `*` into literal segments; the first must be
 * a prefix, the last a suffix, and the ones between are found left to right with KMP, each search
 * starting where the previous match ended. Taking the earliest match of each segment is always
 * safe, so nothing is retried. No regular expression is built from the pattern.
 */
export function globMatches(pattern: string, text: string): boolean {
  const segments = pattern.split('*');
  if (segments.length === 1) return pattern === text;
  const first = segments[0];
  const last = segments[segments.length - 1];
  if (first.length + last.length > text.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let position = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const segment = segments[i];
    if (segment === '') continue;
    const found = indexOfKmp(text, segment, position, end);
    if (found < 0) return false;
    position = found + segment.length;
  }
  return true;
}

/** First index ≥ from where `needle` occurs entirely before `end`, or -1. */
function indexOfKmp(haystack: string, needle: string, from: number, end: number): number {
  const failure = new Array<number>(needle.length).fill(0);
  for (let i = 1, k = 0; i < needle.length; i++) {
    while (k > 0 && needle[i] !== needle[k]) k = failure[k - 1];
    if (needle[i] === needle[k]) k++;
    failure[i] = k;
  }
  for (let i = from, k = 0; i < end; i++) {
    while (k > 0 && haystack[i] !== needle[k]) k = failure[k - 1];
    if (haystack[i] === needle[k]) k++;
    if (k === needle.length) return i - needle.length + 1;
  }
  return -1;
}
