import { InvalidationBus, InvalidationTransport } from '@packgate/auth';
import type { DataSource } from 'typeorm';
import type { CredentialCipher } from './credential-cipher';
import { UpstreamSettingsService } from './upstream-settings.service';

/** Two buses joined in one process, standing for two nodes on one Redis. */
function linkedBuses(): [InvalidationBus, InvalidationBus] {
  const handlers: ((message: string) => void)[] = [];
  const transport = (): InvalidationTransport => ({
    heard: true,
    publish: (message: string) => handlers.forEach((deliver) => deliver(message)),
    listen: (onMessage: (message: string) => void, listening: (heard: boolean) => void) => {
      handlers.push(onMessage);
      queueMicrotask(() => listening(true));
    },
    close: async () => undefined,
  });
  return [new InvalidationBus(transport()), new InvalidationBus(transport())];
}

/** The policy table both nodes read, with the write path the service uses. */
function sharedDatabase() {
  const rows = new Map<number, boolean>();
  const repository = { findOne: async ({ where }: { where: { orgId: number } }) => (rows.has(where.orgId) ? { orgId: where.orgId, anonymousReads: rows.get(where.orgId) } : null) };
  const builder = {
    insert: () => builder,
    into: () => builder,
    values: (values: { orgId: number; anonymousReads: boolean }) => (rows.set(values.orgId, values.anonymousReads), builder),
    orUpdate: () => builder,
    execute: async () => undefined,
  };
  const manager = { createQueryBuilder: () => builder };
  return { options: { type: 'mysql' }, getRepository: () => repository, transaction: async (work: (m: unknown) => unknown) => work(manager), manager } as unknown as DataSource;
}

describe('UpstreamSettingsService', () => {
  it('a change of the anonymous-reads switch on one node is seen by the other at once, not after its cache lifetime', async () => {
    const database = sharedDatabase();
    const [busA, busB] = linkedBuses();
    await new Promise((resolve) => setImmediate(resolve));
    const nodeA = new UpstreamSettingsService(database, {} as CredentialCipher, busA);
    const nodeB = new UpstreamSettingsService(database, {} as CredentialCipher, busB);
    await nodeA.setAnonymousReads(1, true);
    expect(await nodeB.anonymousReads(1)).toBe(true); // now cached on B
    await nodeA.setAnonymousReads(1, false);
    expect(await nodeB.anonymousReads(1)).toBe(false);
  });
});
