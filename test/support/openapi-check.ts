/**
 * Every API response the integration tests see is checked against the checked-in OpenAPI
 * document (docs/openapi.json): the status must be one the operation documents, and the body
 * must match that response's schema for its content type. A handler that drifts from the
 * document fails the test that called it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

interface Document {
  components: { schemas: Record<string, unknown> };
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
}

const document = JSON.parse(readFileSync(join(import.meta.dirname, '../../docs/openapi.json'), 'utf8')) as Document;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addSchema({ $id: 'openapi', components: document.components });

const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    method: method.toUpperCase(),
    pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`),
    operation,
  })),
);

const validators = new Map<string, ValidateFunction>();
function validatorFor(key: string, schema: unknown): ValidateFunction {
  if (!validators.has(key)) {
    // Component references point into the document registered above.
    const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')) as object;
    validators.set(key, ajv.compile(rewritten));
  }
  return validators.get(key)!;
}

/** Throws when a response of an API operation does not match what the document says of it. */
export function assertDocumented(method: string, path: string, status: number, contentType: string | null, body: unknown): void {
  const pathname = new URL(path, 'http://localhost').pathname;
  const found = operations.find((o) => o.method === method && o.pattern.test(pathname));
  if (!found) return;
  const where = `${method} ${pathname} → ${status}`;
  const response = found.operation.responses[String(status)];
  if (!response) throw new Error(`${where}: status not in docs/openapi.json (documented: ${Object.keys(found.operation.responses).join(', ')})`);
  if (!response.content) {
    if (body !== undefined && body !== '') throw new Error(`${where}: documented without a body, got ${JSON.stringify(body)}`);
    return;
  }
  const type = (contentType ?? '').split(';')[0]!.trim();
  const media = response.content[type];
  if (!media) throw new Error(`${where}: content type ${type} not documented (documented: ${Object.keys(response.content).join(', ')})`);
  const validate = validatorFor(`${where} ${type}`, media.schema);
  if (!validate(body)) throw new Error(`${where}: body does not match docs/openapi.json: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
}
