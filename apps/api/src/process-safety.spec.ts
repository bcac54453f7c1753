import { EventEmitter } from 'node:events';
import { installProcessSafety, scrub } from './process-safety';

function fakeProcess() {
  const emitter = new EventEmitter() as EventEmitter & { exit: jest.Mock };
  emitter.exit = jest.fn();
  return emitter;
}

function fakeLogger() {
  return { error: jest.fn(), fatal: jest.fn() };
}

describe('process safety net', () => {
  it('logs an uncaught exception and keeps the process alive', () => {
    const proc = fakeProcess();
    const logger = fakeLogger();
    installProcessSafety(logger, proc);
    proc.emit('uncaughtException', new Error('Unexpected end of form'));
    expect(proc.exit).not.toHaveBeenCalled();
    expect(logger.error).toHaveBeenCalledWith(expect.objectContaining({ err: expect.objectContaining({ message: 'Unexpected end of form' }) }), expect.stringMatching(/still serving/));
  });

  it('logs an unhandled rejection and keeps the process alive', () => {
    const proc = fakeProcess();
    const logger = fakeLogger();
    installProcessSafety(logger, proc);
    proc.emit('unhandledRejection', new Error('late failure'));
    expect(proc.exit).not.toHaveBeenCalled();
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('exits on a burst of uncaught exceptions', () => {
    const proc = fakeProcess();
    const logger = fakeLogger();
    let time = 0;
    installProcessSafety(logger, proc, { maxUncaught: 3, windowMs: 1000, now: () => time });
    for (let i = 0; i < 3; i += 1) proc.emit('uncaughtException', new Error(`e${i}`));
    time = 2000;
    proc.emit('uncaughtException', new Error('after the window'));
    expect(proc.exit).not.toHaveBeenCalled();
    for (let i = 0; i < 3; i += 1) proc.emit('uncaughtException', new Error(`f${i}`));
    expect(proc.exit).toHaveBeenCalledWith(1);
    expect(logger.fatal).toHaveBeenCalledTimes(1);
  });

  it('never logs credentials', () => {
    const proc = fakeProcess();
    const logger = fakeLogger();
    installProcessSafety(logger, proc);
    proc.emit('uncaughtException', new Error('bad header authorization: Basic X190b2tlbl9fOnBndF9zZWNyZXQ= with pgt_abcDEF123_secret and password=hunter2'));
    const logged = JSON.stringify(logger.error.mock.calls);
    expect(logged).not.toMatch(/pgt_abcDEF123|hunter2|X190b2tlbl9f/);
    expect(scrub('token=abc')).toBe('token=***');
  });
});
