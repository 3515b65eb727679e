/** `npm run openapi`: writes docs/openapi.json and docs/api.md from the operation table, and docs/events/ from the event schemas. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventJsonSchemas } from '#shared/contract/event-json-schemas.ts';
import { apiMarkdown, openApiDocument } from '#shared/contract/openapi.ts';

const docs = join(import.meta.dirname, '..', '..', 'docs');
writeFileSync(join(docs, 'openapi.json'), `${JSON.stringify(openApiDocument(), null, 2)}\n`);
writeFileSync(join(docs, 'api.md'), apiMarkdown());
mkdirSync(join(docs, 'events'), { recursive: true });
for (const [type, schema] of Object.entries(eventJsonSchemas())) writeFileSync(join(docs, 'events', `${type}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
console.log('wrote docs/openapi.json, docs/api.md and docs/events/*.schema.json');
