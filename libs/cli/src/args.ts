import { parseArgs as parseArgv } from 'node:util';

/** A mistake on the command line: exit code 2 and a pointer to --help. */
export class UsageError extends Error {}

/**
 * `options` maps every spelling (`-e`, `--expires`) of an option taking a value to a key; keys in
 * `lists` accumulate comma-separated values; `flags` are booleans. `--x=value` works.
 */
export interface ArgSpec {
  options?: Record<string, string>;
  flags?: Record<string, string>;
  lists?: string[];
}

export type ArgValues = Record<string, string | string[] | boolean | undefined>;

export interface ParsedArgs {
  values: ArgValues;
  positional: string[];
}

type ParseConfig = NonNullable<Parameters<typeof parseArgv>[0]>;
type OptionConfig = NonNullable<ParseConfig['options']>;

/** node:util's option table: one entry per key, named after its long spelling, with its short one. */
function optionTable(spec: ArgSpec): OptionConfig {
  const table: OptionConfig = {};
  const add = (spellings: Record<string, string>, type: 'string' | 'boolean') => {
    const keys = new Set(Object.values(spellings));
    for (const key of keys) {
      const names = Object.keys(spellings).filter((name) => spellings[name] === key);
      const long = names.find((name) => name.startsWith('--'));
      const short = names.find((name) => /^-[^-]$/.test(name));
      table[long ? long.slice(2) : key] = { type, multiple: type === 'string', ...(short ? { short: short.slice(1) } : {}) };
    }
  };
  add(spec.options ?? {}, 'string');
  add(spec.flags ?? {}, 'boolean');
  return table;
}

export function parseArgs(argv: string[], spec: ArgSpec): ParsedArgs {
  const options = spec.options ?? {};
  const flags = spec.flags ?? {};
  const lists = spec.lists ?? [];
  // Not strict: every mistake is reported below from the token, in the spelling the user typed.
  const { tokens } = parseArgv({ args: argv, options: optionTable(spec), strict: false, allowPositionals: true, tokens: true });
  const values: ArgValues = {};
  const positional: string[] = [];
  for (const token of tokens ?? []) {
    if (token.kind === 'positional') {
      positional.push(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') continue;
    const flag = flags[token.rawName];
    if (flag) {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
      values[flag] = true;
      continue;
    }
    const key = options[token.rawName];
    if (!key) throw new UsageError(`unknown option ${token.rawName}`);
    if (token.value === undefined) throw new UsageError(`${token.rawName} needs a value`);
    if (lists.includes(key)) {
      const items = token.value.split(',').map((item) => item.trim()).filter(Boolean);
      if (items.length === 0) throw new UsageError(`${token.rawName} needs a comma-separated list`);
      values[key] = [...((values[key] as string[] | undefined) ?? []), ...items];
    } else values[key] = token.value;
  }
  return { values, positional };
}
