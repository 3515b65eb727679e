/** `npm run openapi`: writes docs/openapi.json and docs/api.md from the operation table. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiMarkdown, openApiDocument } from '#shared/http/openapi.ts';

const docs = join(import.meta.dirname, '..', '..', 'docs');
writeFileSync(join(docs, 'openapi.json'), `${JSON.stringify(openApiDocument(), null, 2)}\n`);
writeFileSync(join(docs, 'api.md'), apiMarkdown());
console.log('wrote docs/openapi.json and docs/api.md');
