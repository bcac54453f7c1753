import { readFileSync } from 'node:fs';
import { SCHEMA_FILE, generateApiClientSchema, schemaPath } from '../../apps/api/src/openapi/api-client-schema';

/**
 * The dashboard and the CLI are typed from a checked-in file generated from the server's OpenAPI
 * document; this fails as soon as a controller or DTO changes without `npm run openapi`.
 */
describe('generated API client types', () => {
  let generated: string;

  beforeAll(async () => {
    generated = await generateApiClientSchema();
  });

  it(`${SCHEMA_FILE} is up to date (run \`npm run openapi\`)`, () => {
    expect(readFileSync(schemaPath(), 'utf8')).toBe(generated);
  });

  it('types every JSON answer and query parameter (`unknown` only as values of open maps)', () => {
    const untyped = generated.split('\n').filter((line) => line.includes('unknown') && !/\[(name|key): string\]: unknown;/.test(line));
    expect(untyped).toEqual([]);
    expect(generated).toContain('"/api/v1/info"');
  });
});
