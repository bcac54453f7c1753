import { PasswordCheckBusyError } from '../errors';
import { HashingQueue, HashingQueueTiming } from './hashing-queue';

const AT_ONCE: HashingQueueTiming = { refusalHoldMs: 0, maxHeldRefusals: 0, restRatio: 0 };

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('HashingQueue', () => {
  it('runs at most `concurrency` jobs, queues up to `maxWaiting`, refuses the rest at once', async () => {
    const queue = new HashingQueue(2, 1, AT_ONCE);
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
    const queue = new HashingQueue(1, 0, AT_ONCE);
    await expect(queue.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run(() => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  describe('under a flood', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    /** Lets pending promise callbacks run (fake timers do not touch microtasks). */
    const settle = async () => {
      for (let i = 0; i < 10; i++) await Promise.resolve();
    };

    it('holds a refusal for refusalHoldMs, and answers at once beyond maxHeldRefusals', async () => {
      const queue = new HashingQueue(1, 0, { refusalHoldMs: 1000, maxHeldRefusals: 1, restRatio: 0 });
      const gate = deferred();
      const running = queue.run(() => gate.promise);
      let heldSettled = false;
      const held = queue.run(() => Promise.resolve()).catch((error: unknown) => {
        heldSettled = true;
        return error;
      });
      await expect(queue.run(() => Promise.resolve())).rejects.toBeInstanceOf(PasswordCheckBusyError);
      await settle();
      expect(heldSettled).toBe(false);
      await jest.advanceTimersByTimeAsync(1000);
      expect(await held).toBeInstanceOf(PasswordCheckBusyError);
      gate.resolve();
      await running;
    });

    it('lets a waiting check start only after the slot rested as long as the last hash took', async () => {
      const queue = new HashingQueue(1, 1, { refusalHoldMs: 0, maxHeldRefusals: 0, restRatio: 1 });
      const first = queue.run(() => new Promise<void>((resolve) => setTimeout(resolve, 200)));
      let secondStarted = false;
      const second = queue.run(async () => {
        secondStarted = true;
      });
      await jest.advanceTimersByTimeAsync(200);
      await first;
      await jest.advanceTimersByTimeAsync(199);
      expect(secondStarted).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await second;
      expect(secondStarted).toBe(true);
      expect(queue.stats).toEqual({ running: 0, waiting: 0 });
    });

    it('does not rest when nobody waits', async () => {
      const queue = new HashingQueue(1, 1, { refusalHoldMs: 0, maxHeldRefusals: 0, restRatio: 1 });
      const first = queue.run(() => new Promise<void>((resolve) => setTimeout(resolve, 200)));
      await jest.advanceTimersByTimeAsync(200);
      await first;
      let ran = false;
      const next = queue.run(async () => {
        ran = true;
      });
      await settle();
      expect(ran).toBe(true);
      await next;
    });
  });
});
