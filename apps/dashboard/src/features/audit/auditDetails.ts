import { formatDate } from '../../format';

export interface DetailLine {
  key: string;
  value: string;
}

/** Audit details as readable `key: value` lines; nested objects become dotted keys (`after.private`). */
export function detailLines(details: unknown): DetailLine[] {
  if (details === null || details === undefined || details === '') return [];
  if (typeof details !== 'object' || Array.isArray(details)) return [{ key: 'details', value: scalar(details) }];
  const { count, lastAt, ...rest } = details as Record<string, unknown>;
  const lines: DetailLine[] = [];
  // Repeated failures folded into one row (see the audit aggregation window).
  if (typeof count === 'number' && count > 1) lines.push({ key: 'repeated', value: `×${count}${typeof lastAt === 'string' ? ` until ${formatDate(lastAt)}` : ''}` });
  else if (count !== undefined) rest.count = count;
  flatten(rest, '', lines);
  return lines;
}

function flatten(value: Record<string, unknown>, prefix: string, lines: DetailLine[]): void {
  for (const [key, inner] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) flatten(inner as Record<string, unknown>, name, lines);
    else lines.push({ key: name, value: scalar(inner) });
  }
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(scalar).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
