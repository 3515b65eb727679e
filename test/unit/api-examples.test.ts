/**
 * The API reference's examples (shared/contract/examples.ts): every request body is one the
 * handlers' own schema accepts, every answer and error matches what the document says of it, and
 * every operation has them, so the reference never falls back to made-up strings.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { ERROR_EXAMPLES, PARAMETER_EXAMPLES, REQUEST_EXAMPLES, RESPONSE_EXAMPLES } from '../../shared/contract/examples.ts';
import { openApiDocument } from '../../shared/contract/openapi.ts';
import { errorsOf, OPERATION_LIST, routeKey } from '../../shared/contract/operations.ts';
import { createInviteLinkBody } from '../../shared/contract/requests.ts';
import { RESPONSES } from '../../shared/contract/response-schemas.ts';

type Media = { schema: unknown; example?: unknown };
type Described = { parameters?: { name: string; in: string; example?: unknown }[]; requestBody?: { content: Record<string, Media> }; responses: Record<string, { content?: Record<string, Media> }> };

const document = openApiDocument() as { components: unknown; paths: Record<string, Record<string, Described>> };
const described = (op: (typeof OPERATION_LIST)[number]) => document.paths[op.path]![op.method.toLowerCase()]!;

describe('the requests the API reference shows', () => {
  it('are accepted by the schema each handler validates its body with', () => {
    for (const op of OPERATION_LIST.filter((o) => o.body)) {
      expect(REQUEST_EXAMPLES[op.name], routeKey(op)).toBeDefined();
      const parsed = z.safeParse(op.body!, REQUEST_EXAMPLES[op.name]);
      expect(parsed.error?.issues ?? [], routeKey(op)).toEqual([]);
      expect(described(op).requestBody!.content['application/json']!.example, routeKey(op)).toEqual(REQUEST_EXAMPLES[op.name]);
    }
  });

  it('make a link with a primary team only (a primary legacy group is the other choice, never both)', () => {
    const body = REQUEST_EXAMPLES['create-invite-link'] as Record<string, unknown>;
    expect(body.primaryTeamId).toBe('producers');
    expect(body).not.toHaveProperty('primaryGroupId');
    expect(z.safeParse(createInviteLinkBody, body).success).toBe(true);
  });

  it('name the demo domain, a link and a person in the path and query, as the handlers accept them', () => {
    for (const op of OPERATION_LIST) {
      for (const [where, schema] of [['path', op.params], ['query', op.query]] as const) {
        if (!schema) continue;
        const given = Object.fromEntries((described(op).parameters ?? []).filter((p) => p.in === where).map((p) => [p.name, p.example]));
        expect(z.safeParse(schema, given).error?.issues ?? [], `${routeKey(op)} ${where}`).toEqual([]);
      }
      for (const parameter of described(op).parameters ?? []) expect(parameter.example, `${routeKey(op)} ${parameter.name}`).toBe(PARAMETER_EXAMPLES[parameter.name]);
    }
    expect(PARAMETER_EXAMPLES.domainId).toBe('demo-media-co');
  });
});

describe('the answers the API reference shows', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'openapi', components: document.components });
  const matches = (schema: unknown, example: unknown) => {
    const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')) as object);
    return validate(example) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };

  it('match the schemas the handlers are typed by', () => {
    for (const name of new Set(OPERATION_LIST.flatMap((op) => [op.response, ...(op.alsoAnswers ?? []).map((a) => a.response)]).filter((n) => n && n !== 'openApiDocument'))) {
      expect(RESPONSE_EXAMPLES[name!], name).toBeDefined();
      expect(z.safeParse(RESPONSES[name!], RESPONSE_EXAMPLES[name!]).error?.issues ?? [], name).toEqual([]);
    }
  });

  it('every success and every error of every operation has an example that matches what the document says of it', () => {
    for (const op of OPERATION_LIST) {
      for (const [status, response] of Object.entries(described(op).responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (op.name === 'get-openapi' && status === String(op.status)) continue;
          const where = `${routeKey(op)} ${status} ${type}`;
          expect(media.example, where).toBeDefined();
          expect(matches(media.schema, media.example), where).toEqual([]);
        }
      }
    }
  });

  it('show each error as the service words it, for that operation', () => {
    for (const op of OPERATION_LIST) {
      for (const kind of errorsOf(op)) {
        const example = ERROR_EXAMPLES[kind];
        expect(example, `${routeKey(op)} ${kind}: add its example to shared/contract/examples.ts`).toBeDefined();
        expect(example!(op).kind, `${routeKey(op)} ${kind}`).toBe(kind);
      }
    }
    const badLink = described(OPERATION_LIST.find((o) => o.name === 'create-invite-link')!).responses['400']!.content!['application/problem+json']!.example;
    expect(badLink).toMatchObject({ code: 'INVALID_REQUEST', field: 'primaryTeamId' });
  });
});
