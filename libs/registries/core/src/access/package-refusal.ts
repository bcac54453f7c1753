import type { PackageType } from '@packgate/auth';

/**
 * Why the package-access step refused, independent of any wire format. Each format's exception
 * filter maps it: `unauthenticated` → its 401 (with its challenge), `not-visible` → its 404 (so
 * private names do not leak), `denied` → its 403 with the evaluator's reason.
 */
export type PackageRefusalKind = 'not-visible' | 'unauthenticated' | 'denied';

export interface PackageTarget {
  /** Org slug from the URL. */
  org: string;
  type: PackageType;
  /** Normalized package name. */
  name: string;
  /** The name as the client wrote it, for messages (defaults to `name`). */
  label?: string;
}

export class PackageRefusal extends Error {
  constructor(
    readonly kind: PackageRefusalKind,
    /** The evaluator's reason (or "not found"); never contains secrets. */
    readonly reason: string,
    readonly target: PackageTarget,
    /** Whether the caller presented no credentials (some formats answer 401 instead of 404 then). */
    readonly anonymous: boolean,
    /** What could not be seen: the org itself or the package in it. */
    readonly missing: 'org' | 'package' | null = null,
  ) {
    super(reason);
  }

  get label(): string {
    return this.target.label ?? this.target.name;
  }
}
