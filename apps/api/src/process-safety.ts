import pino from 'pino';

export interface SafetyLogger {
  error(object: Record<string, unknown>, message: string): void;
  fatal(object: Record<string, unknown>, message: string): void;
}

export interface ProcessLike {
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  exit(code: number): never | void;
}

export interface SafetyOptions {
  /** More uncaught exceptions than this within `windowMs` end the process (something is broken for good). */
  maxUncaught?: number;
  windowMs?: number;
  now?: () => number;
}

const SECRETS: [RegExp, string][] = [
  [/pgt_[A-Za-z0-9_-]+/g, 'pgt_***'],
  [/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***'],
  [/(authorization|cookie|password|token)(["']?\s*[:=]\s*["']?)(?!\w+ \*\*\*)[^\s"',;&]+/gi, '$1$2***'],
];

/** Error text without anything that looks like a credential. */
export function scrub(text: string): string {
  return SECRETS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

function describe(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { name: error.name, code: (error as { code?: unknown }).code, message: scrub(error.message), stack: scrub(error.stack ?? '') };
  return { value: scrub(String(error)) };
}

/**
 * Last line of defence: an error no request handler caught (an unhandled stream 'error' event, a
 * rejected promise nobody awaited) is logged and the server keeps answering the other requests
 * instead of dropping all of them. Such errors come from one request's streams; only a burst of
 * them (more than `maxUncaught` per `windowMs`) points at a broken process, which then exits for
 * its supervisor to restart.
 */
export function installProcessSafety(logger: SafetyLogger, proc: ProcessLike = process, options: SafetyOptions = {}): void {
  const maxUncaught = options.maxUncaught ?? 20;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  let recent: number[] = [];
  proc.on('uncaughtException', (error) => {
    const at = now();
    recent = [...recent.filter((time) => at - time < windowMs), at];
    if (recent.length > maxUncaught) {
      logger.fatal({ err: describe(error) }, `uncaught exception (${recent.length} within ${windowMs} ms): exiting`);
      proc.exit(1);
      return;
    }
    logger.error({ err: describe(error) }, 'uncaught exception; still serving');
  });
  proc.on('unhandledRejection', (reason) => {
    logger.error({ err: describe(reason) }, 'unhandled promise rejection; still serving');
  });
}

export function processSafetyLogger(level: string): SafetyLogger {
  return pino({ level, base: { context: 'process' } });
}
