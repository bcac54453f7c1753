import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { SCHEMA_FILE, generateApiClientSchema, schemaPath } from './api-client-schema';

/** `npm run openapi`: regenerates libs/api-client/src/schema.ts from the server's OpenAPI document. */
generateApiClientSchema().then(
  (text) => {
    writeFileSync(schemaPath(), text);
    process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`packgate openapi: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
