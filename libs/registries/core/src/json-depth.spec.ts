import { MAX_JSON_DEPTH, jsonNestedDeeperThan } from './json-depth';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('jsonNestedDeeperThan', () => {
  it('accepts documents up to the limit and refuses one level more', () => {
    const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(jsonNestedDeeperThan(bytes(nested(MAX_JSON_DEPTH)))).toBe(false);
    expect(jsonNestedDeeperThan(bytes(nested(MAX_JSON_DEPTH + 1)))).toBe(true);
    expect(jsonNestedDeeperThan(bytes('{"a":'.repeat(40) + '1' + '}'.repeat(40)))).toBe(true);
  });

  it('counts siblings once, not cumulatively', () => {
    expect(jsonNestedDeeperThan(bytes(JSON.stringify(Array.from({ length: 1000 }, () => ({ a: [1, { b: [] }] })))))).toBe(false);
  });

  it('ignores brackets inside strings, including after escaped quotes and backslashes', () => {
    expect(jsonNestedDeeperThan(bytes(JSON.stringify({ s: '['.repeat(100) })))).toBe(false);
    expect(jsonNestedDeeperThan(bytes(JSON.stringify({ s: `\\"${'{'.repeat(100)}` })))).toBe(false);
    expect(jsonNestedDeeperThan(bytes(JSON.stringify({ s: 'a\\' }) + '['.repeat(40)))).toBe(true);
  });

  it('handles a megabyte of nesting without recursion', () => {
    expect(jsonNestedDeeperThan(bytes('['.repeat(900_000)))).toBe(true);
    expect(jsonNestedDeeperThan(bytes(`[${'"x",'.repeat(200_000)}"x"]`))).toBe(false);
  });
});
