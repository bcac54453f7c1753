import { PasswordCheckBusyError } from '../errors';

export interface HashingQueueTiming {
  /**
   * How long a refusal (queue full) is held before the 503 goes out. A guesser that sends its next
   * attempt as soon as it has an answer would otherwise loop on instant 503s and cost the event
   * loop as much as real traffic; holding an answer costs a timer. 0 answers at once.
   */
  refusalHoldMs: number;
  /** Refusals held at once; beyond that they are answered at once, so holding never piles up memory. */
  maxHeldRefusals: number;
  /**
   * While checks wait, a slot rests this many times as long as its last hash took before the next
   * one starts: under a flood argon2 gets at most 1/(1 + ratio) of its threads, and the CPU left
   * serves token traffic. Without waiters there is no rest. 0 disables it.
   */
  restRatio: number;
}

export const DEFAULT_HASHING_TIMING: HashingQueueTiming = { refusalHoldMs: 1000, maxHeldRefusals: 256, restRatio: 1 };

/**
 * Bounds argon2 work: `concurrency` run at once, up to `maxWaiting` wait their turn, and anything
 * beyond is refused (503 + Retry-After) instead of piling up memory and CPU. Keeps the event loop
 * and the CPU free for token traffic while passwords are being guessed (see HashingQueueTiming).
 */
export class HashingQueue {
  private running = 0;
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly maxWaiting: number,
    private readonly timing: HashingQueueTiming = DEFAULT_HASHING_TIMING,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) return this.refuse();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    const started = Date.now();
    try {
      return await work();
    } finally {
      this.release(Date.now() - started);
    }
  }

  get stats(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** The slot passes straight to the next waiter (after its rest); `running` only drops when nobody waits. */
  private release(workedMs: number): void {
    const next = this.waiting.shift();
    if (!next) {
      this.running--;
      return;
    }
    const rest = Math.round(workedMs * this.timing.restRatio);
    if (rest > 0) setTimeout(next, rest);
    else next();
  }

  private async refuse(): Promise<never> {
    if (this.timing.refusalHoldMs > 0 && this.held < this.timing.maxHeldRefusals) {
      this.held++;
      try {
        await new Promise((resolve) => setTimeout(resolve, this.timing.refusalHoldMs));
      } finally {
        this.held--;
      }
    }
    throw new PasswordCheckBusyError();
  }
}
