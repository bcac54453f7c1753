import { BadRequestException } from '@nestjs/common';
import { isPackageType } from '@packgate/auth';
import type { PackageListPosition } from '@packgate/registries/core';

/** The longest `after` accepted: a type and a 255-character name, JSON in base64url, with room. */
export const MAX_CURSOR_LENGTH = 1200;

/**
 * The `after` cursor of the REST package list: the last listed package's sort key (type,
 * normalized name) as base64url JSON. Opaque to clients; it names nothing they may not see, since
 * it is always the key of a package on the page they were given.
 */
export function encodeCursor(position: PackageListPosition): string {
  return Buffer.from(JSON.stringify([position.type, position.normalizedName]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): PackageListPosition {
  const invalid = () => new BadRequestException(['after must be the cursor of a next link of this listing']);
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid();
  const [type, normalizedName] = parsed as unknown[];
  if (typeof type !== 'string' || !isPackageType(type) || typeof normalizedName !== 'string' || normalizedName.length === 0 || normalizedName.length > 255) throw invalid();
  return { type, normalizedName };
}
