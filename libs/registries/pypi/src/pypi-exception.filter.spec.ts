import { reasonPhrase } from './pypi-exception.filter';

describe('reason phrase', () => {
  it('keeps printable ASCII only, bounded', () => {
    expect(reasonPhrase('File already exists: a.whl')).toBe('File already exists: a.whl');
    expect(reasonPhrase('bad\r\nInjected: header')).toBe('bad Injected: header');
    expect(reasonPhrase('naïve ☃')).toBe('na ve');
    expect(reasonPhrase('x'.repeat(500))).toHaveLength(200);
    expect(reasonPhrase('\n')).toBe('Error');
  });
});
