import { planMetadataEdit } from './metadata-edit';
import { parseNpmName } from './npm-names';

const name = parseNpmName('lib')!;
const stored = new Map<string, Record<string, unknown>>([
  ['1.0.0', { version: '1.0.0' }],
  ['1.1.0', { version: '1.1.0', deprecated: 'old' }],
]);

describe('planMetadataEdit', () => {
  it('reads deprecations and undeprecations, ignoring unchanged versions', () => {
    const edit = planMetadataEdit({ name: 'lib', versions: { '1.0.0': { deprecated: 'use 2' }, '1.1.0': { deprecated: '' } } }, name, stored, false);
    expect(edit).toEqual({ deprecations: [{ version: '1.0.0', message: 'use 2' }, { version: '1.1.0', message: null }], removals: [] });
  });

  it('reads a version left out as an unpublish only on the -rev route', () => {
    const doc = { name: 'lib', versions: { '1.1.0': { deprecated: 'old' } } };
    expect(planMetadataEdit(doc, name, stored, true).removals).toEqual(['1.0.0']);
    expect(planMetadataEdit(doc, name, stored, false).removals).toEqual([]);
  });

  it('refuses unknown versions and name mismatches', () => {
    expect(() => planMetadataEdit({ name: 'lib', versions: { '9.9.9': {} } }, name, stored, false)).toThrow(/does not exist/);
    expect(() => planMetadataEdit({ name: 'other', versions: {} }, name, stored, false)).toThrow(/does not match/);
  });
});
