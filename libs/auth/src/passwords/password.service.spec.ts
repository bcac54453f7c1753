import * as argon2 from 'argon2';
import type { User } from '../entities/user.entity';
import { ARGON2_OPTIONS, PasswordService } from './password.service';

describe('PasswordService cache', () => {
  const options = {
    secret: Buffer.alloc(32, 7),
    passwordCacheSeconds: 60,
    sessionHours: 1,
    recordCacheSeconds: 10,
    throttle: { maxFailures: 5, maxFailuresPerAddress: 10, windowSeconds: 900 },
    hashing: { concurrency: 1, maxWaiting: 8 },
    maxTokenDays: 365,
  };
  let service: PasswordService;
  let user: User;

  beforeEach(async () => {
    service = new PasswordService(options);
    user = { id: 1, username: 'alice', passwordHash: await service.hash('first-password'), isAdmin: false, disabled: false, createdAt: new Date(), updatedAt: new Date() };
  });
  afterEach(() => jest.restoreAllMocks());

  it('runs argon2 once for repeated successful checks', async () => {
    const verify = jest.spyOn(service.argon2, 'verify');
    for (let i = 0; i < 5; i++) expect(await service.verify(user, 'first-password')).toBe(true);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('never serves a changed password from the cache', async () => {
    expect(await service.verify(user, 'first-password')).toBe(true);
    user.passwordHash = await service.hash('second-password');
    expect(await service.verify(user, 'first-password')).toBe(false);
    expect(await service.verify(user, 'second-password')).toBe(true);
  });

  it('does not remember failures and keys by user', async () => {
    const verify = jest.spyOn(service.argon2, 'verify');
    expect(await service.verify(user, 'wrong-password')).toBe(false);
    expect(await service.verify(user, 'wrong-password')).toBe(false);
    expect(verify).toHaveBeenCalledTimes(2);
    const other = { ...user, id: 2 };
    expect(await service.verify(user, 'first-password')).toBe(true);
    expect(await service.verify(other, 'first-password')).toBe(true);
    expect(verify).toHaveBeenCalledTimes(4);
  });

  it('with a zero TTL checks every time', async () => {
    const uncached = new PasswordService({ ...options, passwordCacheSeconds: 0 });
    const verify = jest.spyOn(uncached.argon2, 'verify');
    await uncached.verify(user, 'first-password');
    await uncached.verify(user, 'first-password');
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('hashes with argon2id at OWASP parameters and flags older hashes for an upgrade', async () => {
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(service.needsRehash(user.passwordHash)).toBe(false);
    const legacy = await argon2.hash('first-password', { type: argon2.argon2id });
    expect(legacy).toMatch(/m=65536,p=4,t=3/);
    expect(service.needsRehash(legacy)).toBe(true);
    expect(ARGON2_OPTIONS).toMatchObject({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
  });
});
