import type { AccessRequest, Restriction } from '@packgate/auth';

/**
 * Docker token scopes (distribution `docs/content/spec/auth/scope.md`):
 * `type[(class)]:name:action[,action]`. The name may hold `host:port/`, so the type ends at the
 * first `:` and the actions start after the last one. Clients repeat `scope=`; the conformance suite
 * copies a challenge's space-separated scope list into one value, so values are split on spaces too.
 */
export type RegistryAction = 'pull' | 'push' | 'delete' | '*';

export interface ScopeEntry {
  type: 'repository' | 'registry';
  name: string;
  actions: string[];
}

const MAX_SCOPES = 32;

export function parseScopes(values: readonly string[]): ScopeEntry[] {
  const entries: ScopeEntry[] = [];
  for (const value of values) {
    for (const item of value.split(/\s+/)) {
      if (item === '' || entries.length >= MAX_SCOPES) continue;
      const first = item.indexOf(':');
      const last = item.lastIndexOf(':');
      if (first <= 0 || last === first) continue;
      const type = item.slice(0, first).replace(/\(.*\)$/, '');
      if (type !== 'repository' && type !== 'registry') continue;
      const name = item.slice(first + 1, last);
      const actions = item
        .slice(last + 1)
        .split(',')
        .filter((action) => action !== '');
      if (name === '' || actions.length === 0) continue;
      entries.push({ type, name, actions });
    }
  }
  return entries;
}

export function formatScope(entry: ScopeEntry): string {
  return `${entry.type}:${entry.name}:${entry.actions.join(',')}`;
}

/**
 * What a registry token grants, as a Restriction on the principal rebuilt at verification: it can
 * only narrow. A package read needs `pull` (or `*`) on that repository, a write `push`, a delete
 * `delete` (each also granted by `*`).
 * Anything that is not a Docker package request (REST, other formats) is refused.
 */
export class RegistryScopeRestriction implements Restriction {
  readonly name = 'registry token scope';
  private readonly repositories = new Map<string, Set<string>>();
  readonly catalog: boolean;

  constructor(readonly access: readonly ScopeEntry[]) {
    let catalog = false;
    for (const entry of access) {
      if (entry.type === 'registry') {
        if (entry.name === 'catalog' && entry.actions.includes('*')) catalog = true;
        continue;
      }
      const actions = this.repositories.get(entry.name) ?? new Set<string>();
      for (const action of entry.actions) actions.add(action);
      this.repositories.set(entry.name, actions);
    }
    this.catalog = catalog;
  }

  allows(repository: string, action: RegistryAction): boolean {
    const actions = this.repositories.get(repository);
    return !!actions && (actions.has(action) || actions.has('*'));
  }

  check(request: AccessRequest): string | null {
    if (request.resource.kind !== 'package' || request.resource.type !== 'docker') return 'a registry token only grants registry access';
    // Scopes name the full repository path (`team/app`); the package inside the org is `app`.
    const name = `${request.resource.org}/${request.resource.name}`;
    if (request.action === 'package:read') return this.allows(name, 'pull') ? null : `token has no pull scope on ${name}`;
    if (request.action === 'package:write') return this.allows(name, 'push') ? null : `token has no push scope on ${name}`;
    if (request.action === 'package:delete') return this.allows(name, 'delete') ? null : `token has no delete scope on ${name}`;
    return 'a registry token only grants pull, push and delete';
  }
}

/** The principal's registry scope restriction, if it came from a registry token. */
export function scopeRestrictionOf(restrictions: readonly Restriction[]): RegistryScopeRestriction | undefined {
  return restrictions.find((restriction): restriction is RegistryScopeRestriction => restriction instanceof RegistryScopeRestriction);
}
