import type { ValueTransformer } from 'typeorm';

/** JSON kept in a text column: the same on SQLite and MySQL (no dialect JSON type). */
export const jsonText = <T>(fallback: T): ValueTransformer => ({
  to: (value: T | undefined | null) => JSON.stringify(value ?? fallback),
  from: (value: string | null) => (value == null || value === '' ? fallback : (JSON.parse(value) as T)),
});

/** BIGINT arrives as a string from mysql2; sizes fit a JS number. */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value == null ? value : Number(value)),
};
