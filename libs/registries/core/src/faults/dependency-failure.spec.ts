import { QueryFailedError } from 'typeorm';
import { classifyDependencyFailure } from './dependency-failure';

const coded = (code: string, message = 'driver message') => Object.assign(new Error(message), { code });

describe('classifyDependencyFailure', () => {
  it.each(['ECONNREFUSED', 'PROTOCOL_CONNECTION_LOST', 'ETIMEDOUT', 'POOL_CLOSED', 'ER_CON_COUNT_ERROR', 'SQLITE_BUSY', 'SQLITE_IOERR_WRITE'])('%s is an outage: 503 with Retry-After', (code) => {
    expect(classifyDependencyFailure(coded(code))).toMatchObject({ status: 503, retryAfter: expect.any(Number) });
  });

  it.each(['ENOSPC', 'EDQUOT', 'SQLITE_FULL', 'ER_RECORD_FILE_FULL'])('%s is a full disk: 507', (code) => {
    expect(classifyDependencyFailure(coded(code))).toMatchObject({ status: 507 });
  });

  it('looks through TypeORM wrappers and cause chains', () => {
    expect(classifyDependencyFailure(new QueryFailedError('SELECT 1', [], coded('SQLITE_FULL')))).toMatchObject({ status: 507 });
    expect(classifyDependencyFailure(new Error('wrapped', { cause: coded('ECONNREFUSED') }))).toMatchObject({ status: 503 });
    expect(classifyDependencyFailure(new Error('Pool is closed.'))).toMatchObject({ status: 503 });
  });

  it('leaves bugs and client errors alone, and never repeats the driver message', () => {
    expect(classifyDependencyFailure(new TypeError('x is undefined'))).toBeUndefined();
    expect(classifyDependencyFailure(coded('ER_DUP_ENTRY'))).toBeUndefined();
    expect(classifyDependencyFailure(coded('SQLITE_CONSTRAINT_UNIQUE'))).toBeUndefined();
    expect(classifyDependencyFailure(undefined)).toBeUndefined();
    expect(classifyDependencyFailure(coded('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:3306 user secret'))!.message).not.toMatch(/10\.0\.0\.5|secret/);
  });
});
