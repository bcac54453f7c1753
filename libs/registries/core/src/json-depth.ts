const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;

/** Nesting allowed in JSON request bodies: far beyond any real document, far below a stack overflow. */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether raw JSON bytes nest objects/arrays deeper than `maxDepth`, found by one pass over the
 * bytes before JSON.parse (brackets inside strings do not count). Malformed input is left to the
 * parser: this only answers the depth question, cheaply and without recursion.
 */
export function jsonNestedDeeperThan(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth--;
  }
  return false;
}
