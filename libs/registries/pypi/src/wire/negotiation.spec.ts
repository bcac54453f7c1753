import { negotiateSimpleFormat } from './negotiation';

describe('simple index negotiation (PEP 691)', () => {
  it('gives pip JSON', () => {
    expect(negotiateSimpleFormat('application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01')?.kind).toBe('json');
  });
  it('honours q values and order', () => {
    expect(negotiateSimpleFormat('application/vnd.pypi.simple.v1+json;q=0.2, text/html')?.contentType).toMatch(/^text\/html/);
    expect(negotiateSimpleFormat('application/vnd.pypi.simple.v1+html')?.contentType).toBe('application/vnd.pypi.simple.v1+html');
  });
  it('maps latest to v1, */* and no Accept to HTML', () => {
    expect(negotiateSimpleFormat('application/vnd.pypi.simple.latest+json')?.contentType).toBe('application/vnd.pypi.simple.v1+json');
    expect(negotiateSimpleFormat(undefined)?.kind).toBe('html');
    expect(negotiateSimpleFormat('*/*')?.kind).toBe('html');
  });
  it('lets ?format= override Accept and refuses unknown types', () => {
    expect(negotiateSimpleFormat('text/html', 'application/vnd.pypi.simple.v1+json')?.kind).toBe('json');
    expect(negotiateSimpleFormat('text/html', 'application/vnd.pypi.simple.v1 json')?.kind).toBe('json');
    expect(negotiateSimpleFormat('application/json')).toBeNull();
    expect(negotiateSimpleFormat('text/html', 'text/plain')).toBeNull();
    expect(negotiateSimpleFormat('text/html;q=0')).toBeNull();
  });
});
