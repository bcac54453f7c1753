'use strict';
/**
 * A small argv parser: `spec.options` maps every spelling (`-e`, `--expires`) to a key; keys in
 * `spec.lists` accumulate comma-separated values; `spec.flags` are booleans. `--x=value` works.
 */
class UsageError extends Error {}

function parseArgs(argv, spec) {
  const values = {};
  const positional = [];
  const optionKey = (name) => (spec.options || {})[name];
  const flagKey = (name) => (spec.flags || {})[name];
  for (let i = 0; i < argv.length; i += 1) {
    let arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    let inline;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const flag = flagKey(arg);
    if (flag) {
      if (inline !== undefined) throw new UsageError(`${arg} takes no value`);
      values[flag] = true;
      continue;
    }
    const key = optionKey(arg);
    if (!key) throw new UsageError(`unknown option ${arg}`);
    const value = inline !== undefined ? inline : argv[++i];
    if (value === undefined) throw new UsageError(`${arg} needs a value`);
    if ((spec.lists || []).includes(key)) {
      const items = value.split(',').map((item) => item.trim()).filter(Boolean);
      if (items.length === 0) throw new UsageError(`${arg} needs a comma-separated list`);
      values[key] = [...(values[key] || []), ...items];
    } else values[key] = value;
  }
  return { values, positional };
}

module.exports = { parseArgs, UsageError };
