import type { DataSource } from 'typeorm';
import { isTransientTransactionError, withTransactionRetry } from './transaction-retry';

function fakeDataSource(type: string, failures: unknown[]) {
  let calls = 0;
  const dataSource = {
    options: { type },
    transaction: async (work: (manager: unknown) => Promise<unknown>) => {
      calls += 1;
      const failure = failures.shift();
      if (failure) throw failure;
      return work({});
    },
  } as unknown as DataSource;
  return { dataSource, calls: () => calls };
}

const deadlock = () => Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { code: 'ER_LOCK_DEADLOCK', errno: 1213 });
const lockWait = () => ({ message: 'Lock wait timeout exceeded', driverError: { code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 } });

describe('withTransactionRetry', () => {
  it('recognises MariaDB deadlocks and lock-wait timeouts', () => {
    expect(isTransientTransactionError(deadlock())).toBe(true);
    expect(isTransientTransactionError(lockWait())).toBe(true);
    expect(isTransientTransactionError(new Error('Duplicate entry'))).toBe(false);
  });

  it('runs the transaction again after a deadlock or lock-wait timeout', async () => {
    const { dataSource, calls } = fakeDataSource('mariadb', [deadlock(), lockWait()]);
    await expect(withTransactionRetry(dataSource, async () => 'done')).resolves.toBe('done');
    expect(calls()).toBe(3);
  });

  it('gives up after the bound and passes the error on', async () => {
    const { dataSource, calls } = fakeDataSource('mariadb', [deadlock(), deadlock(), deadlock()]);
    await expect(withTransactionRetry(dataSource, async () => 'done', { attempts: 3 })).rejects.toMatchObject({ code: 'ER_LOCK_DEADLOCK' });
    expect(calls()).toBe(3);
  });

  it('does not retry other errors unless asked to', async () => {
    const duplicate = Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY' });
    const plain = fakeDataSource('mariadb', [duplicate]);
    await expect(withTransactionRetry(plain.dataSource, async () => 'done')).rejects.toBe(duplicate);
    const asked = fakeDataSource('mariadb', [duplicate]);
    await expect(withTransactionRetry(asked.dataSource, async () => 'done', { retryOn: (error) => error === duplicate })).resolves.toBe('done');
  });

  it('runs SQLite transactions one at a time', async () => {
    const { dataSource } = fakeDataSource('better-sqlite3', []);
    let active = 0;
    let most = 0;
    const work = async () => {
      active += 1;
      most = Math.max(most, active);
      await new Promise((resolve) => setImmediate(resolve));
      active -= 1;
    };
    await Promise.all(Array.from({ length: 5 }, () => withTransactionRetry(dataSource, work)));
    expect(most).toBe(1);
  });
});
