/** The API document: generated from the operation table, checked in, valid OpenAPI 3.1, and what the tests check responses against. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { apiMarkdown, openApiDocument } from '../../shared/contract/openapi.ts';
import { OPERATION_LIST, routeKey } from '../../shared/contract/operations.ts';
import { assertDocumented } from '../support/openapi-check.ts';

const docs = join(import.meta.dirname, '../../docs');

describe('the OpenAPI document', () => {
  it('is current: docs/openapi.json and docs/api.md are what `npm run openapi` writes from the operation table', () => {
    expect(JSON.parse(readFileSync(join(docs, 'openapi.json'), 'utf8'))).toEqual(openApiDocument());
    expect(readFileSync(join(docs, 'api.md'), 'utf8')).toBe(apiMarkdown());
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(openApiDocument() as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes every operation of the table, with its success and error responses', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, { responses: Record<string, unknown>; security: unknown[] }>>;
    for (const op of OPERATION_LIST) {
      const described = paths[op.path]?.[op.method.toLowerCase()];
      expect(described, routeKey(op)).toBeDefined();
      expect(Object.keys(described!.responses), routeKey(op)).toContain(String(op.status));
      expect(Object.keys(described!.responses), routeKey(op)).toContain('500');
      expect(described!.security, routeKey(op)).toEqual(op.auth === 'jwt' ? [{ bearer: [] }] : []);
    }
  });
});

describe('checking responses against the document', () => {
  const me = { userId: 'u', email: 'a@example.test', memberships: [], joinRequests: [] };
  it('accepts a response as documented', () => {
    expect(() => assertDocumented('GET', '/v1/me', 200, 'application/json', me)).not.toThrow();
    expect(() => assertDocumented('GET', '/v1/me', 401, 'application/problem+json', { type: 'about:blank', status: 401, title: 'Sign in first', detail: 'x', code: 'UNAUTHENTICATED' })).not.toThrow();
  });

  it.each([
    ['a field the document does not name', 200, 'application/json', { ...me, secret: 'x' }],
    ['a missing field', 200, 'application/json', { userId: 'u', memberships: [] }],
    ['an undocumented status', 418, 'application/json', {}],
    ['an error code the operation does not give at that status', 401, 'application/problem+json', { type: 'about:blank', status: 401, title: 't', detail: 'd', code: 'LINK_EXPIRED' }],
    ['an error that is not problem+json', 401, 'text/plain', 'Unauthorized'],
  ])('refuses %s', (_case, status, type, body) => {
    expect(() => assertDocumented('GET', '/v1/me', status, type, body)).toThrow();
  });
});
