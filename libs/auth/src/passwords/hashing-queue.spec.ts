import { PasswordCheckBusyError } from '../errors';
import { HashingQueue } from './hashing-queue';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('HashingQueue', () => {
  it('runs at most `concurrency` jobs, queues up to `maxWaiting`, refuses the rest at once', async () => {
    const queue = new HashingQueue(2, 1);
    const gates = [deferred(), deferred(), deferred()];
    let active = 0;
    let peak = 0;
    const job = (i: number) => () => {
      active++;
      peak = Math.max(peak, active);
      return gates[i].promise.then(() => {
        active--;
        return i;
      });
    };
    const runs = [queue.run(job(0)), queue.run(job(1)), queue.run(job(2))];
    await expect(queue.run(job(0))).rejects.toBeInstanceOf(PasswordCheckBusyError);
    expect(queue.stats).toEqual({ running: 2, waiting: 1 });
    gates[0].resolve();
    gates[1].resolve();
    gates[2].resolve();
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2]);
    expect(peak).toBe(2);
    expect(queue.stats).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when a job fails', async () => {
    const queue = new HashingQueue(1, 0);
    await expect(queue.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run(() => Promise.resolve('ok'))).resolves.toBe('ok');
  });
});
