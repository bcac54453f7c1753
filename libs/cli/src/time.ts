import { UsageError } from './args';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400 };
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * `-e`/`--not-before` values: a duration from now (`90s`, `30m`, `12h`, `7d`, `2w`), an ISO date
 * or date-time (a bare date is midnight UTC), or `never`. Returns unix seconds, or null for never.
 */
export function parseWhen(text: string, now = Date.now()): number | null {
  const value = String(text).trim();
  if (value === 'never') return null;
  const duration = /^(\d+)\s*([smhdw])$/.exec(value);
  if (duration) return Math.floor(now / 1000) + Number(duration[1]) * UNITS[duration[2]];
  if (ISO.test(value)) {
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
    if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
  }
  throw new UsageError(`"${value}" is not a duration (30m, 12h, 7d), an ISO date (2027-01-31, 2027-01-31T12:00:00Z) or never`);
}

/** `in 29 days`, `3 hours ago`: whole units, rounded down. */
export function relative(epochSeconds: number, now = Date.now()): string {
  const diff = epochSeconds - Math.floor(now / 1000);
  const abs = Math.abs(diff);
  let amount: number;
  let unit: string;
  if (abs < 90) [amount, unit] = [abs, 'second'];
  else if (abs < 90 * 60) [amount, unit] = [Math.floor(abs / 60), 'minute'];
  else if (abs < 48 * 3600) [amount, unit] = [Math.floor(abs / 3600), 'hour'];
  else [amount, unit] = [Math.floor(abs / 86400), 'day'];
  const text = `${amount} ${unit}${amount === 1 ? '' : 's'}`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

export function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
