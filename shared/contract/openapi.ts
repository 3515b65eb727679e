/**
 * The OpenAPI 3.1 document and docs/api.md, both written from the operation table and the zod
 * schemas the handlers validate with (zod's own JSON Schema output): nothing here restates a
 * shape. `npm run openapi` writes them into docs/; a test fails when they are stale.
 */
import * as z from 'zod/mini';
import { LINK_END_REASONS, ServiceError, type ErrorKind } from '../domain/errors.ts';
import { errorsOf, OPERATION_LIST, routeKey, type NamedOperation, type Operation } from './operations.ts';
import { ERROR_EXAMPLES, GATEWAY_EXAMPLES, PARAMETER_EXAMPLES, REQUEST_EXAMPLES, RESPONSE_EXAMPLES } from './examples.ts';
import { INTERNAL, PROBLEMS, PROBLEM_CONTENT_TYPE, problemOf } from './problems.ts';
import { RESPONSES, type ResponseName } from './response-schemas.ts';

type JsonSchema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return withExamples(rest);
};

/** Timestamps get a plain example, or renderers make one up from the pattern (year 1656). */
function withExamples(schema: unknown): JsonSchema {
  if (Array.isArray(schema)) return schema.map(withExamples) as unknown as JsonSchema;
  if (typeof schema !== 'object' || schema === null) return schema as JsonSchema;
  const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, withExamples(v)]));
  return (out.format as unknown) === 'date-time' ? { ...out, examples: ['2026-11-24T09:30:00.000Z'] } : out;
}

type Def = { type: string; innerType?: z.ZodMiniType; getter?: () => z.ZodMiniType };
const defOf = (schema: z.ZodMiniType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** What a schema checks, seen through z.lazy (the input schemas are built on first use) and z.optional: the inner schema, and whether the value may be absent. */
export function unwrapped(schema: z.ZodMiniType): { inner: z.ZodMiniType; optional: boolean } {
  const def = defOf(schema);
  if (def.type === 'lazy' && def.getter) return unwrapped(def.getter());
  if (def.type === 'optional' && def.innerType) return { inner: unwrapped(def.innerType).inner, optional: true };
  return { inner: schema, optional: false };
}

/** An optional object (a query or body that may be absent) as its object schema, and whether it may be absent. */
function objectSchema(schema: z.ZodMiniType, io: 'input' | 'output'): { schema: JsonSchema; optional: boolean } {
  const { inner, optional } = unwrapped(schema);
  return { schema: jsonSchema(inner, io), optional };
}

function parameters(op: NamedOperation) {
  const list: JsonSchema[] = [];
  for (const [where, schema] of [['path', op.params], ['query', op.query]] as const) {
    if (!schema) continue;
    const { schema: object } = objectSchema(schema, 'input');
    const required = new Set((object.required as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries((object.properties ?? {}) as Record<string, JsonSchema>)) {
      list.push({ name, in: where, required: where === 'path' || required.has(name), schema: property, ...exampleOf(PARAMETER_EXAMPLES[name]) });
    }
  }
  return list;
}

const problemRef = { $ref: '#/components/schemas/Problem' };

/** One response per status: the problem+json codes the operation can answer with there. */
function errorResponses(op: NamedOperation, kinds: ErrorKind[]) {
  const byStatus = new Map<number, ErrorKind[]>();
  for (const kind of kinds) byStatus.set(PROBLEMS[kind].status, [...(byStatus.get(PROBLEMS[kind].status) ?? []), kind]);
  const responses: Record<string, unknown> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    const codes = [...new Set(group.map((k) => PROBLEMS[k].code))];
    const problem = { allOf: [problemRef, { properties: { status: { const: status }, code: { enum: codes, examples: [codes[0]] } } }] };
    // The first of the group's errors that has a worded example (examples.ts); else the first, in its title's words.
    const worded = group.find((kind) => ERROR_EXAMPLES[kind]);
    const example = worded ? ERROR_EXAMPLES[worded]!(op) : new ServiceError(group[0]!, `${PROBLEMS[group[0]!].title}.`);
    // API Gateway answers the refusals it makes itself (no valid token, throttling) with its own body.
    const gateway = status === 401 || status === 429;
    responses[String(status)] = {
      ...(status === 503 || status === 429 ? { headers: { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 1 } } } } : {}),
      description:
        group.map((k) => `\`${PROBLEMS[k].code}\`: ${PROBLEMS[k].title}`).join('; ') +
        (gateway ? '. A token the JWT authorizer rejects, or the stage throttle, gets API Gateway’s own `{"message": ...}` as application/json; a per-client limit (WAF) sends the problem body as application/json.' : '.'),
      content: {
        [PROBLEM_CONTENT_TYPE]: { schema: problem, example: problemOf(example) },
        // API Gateway's own refusal, or (429) WAF's, which carries the problem body as application/json.
        ...(gateway ? { 'application/json': { schema: { anyOf: [{ $ref: '#/components/schemas/GatewayMessage' }, problem] }, ...exampleOf(GATEWAY_EXAMPLES[status]) } } : {}),
      },
    };
  }
  responses['500'] = { description: INTERNAL.title, content: { [PROBLEM_CONTENT_TYPE]: { schema: problemRef, example: INTERNAL } } };
  return responses;
}

/** A media type's example (examples.ts), where there is one. */
const exampleOf = (example: unknown) => (example !== undefined ? { example } : {});

const camel = (name: string) => name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
const tagOf = (op: NamedOperation) =>
  op.path.startsWith('/v1/join') ? 'Joining' : op.path.includes('/invite-links') || op.path.includes('/settings') ? 'Invite links' : op.path === '/v1/openapi.json' ? 'About' : 'Directory';

/** The operation's success and each other success it may answer with instead, with its body. */
export function successResponses(op: Pick<Operation, 'status' | 'response' | 'summary' | 'alsoAnswers'>): Record<string, unknown> {
  const answer = (response: ResponseName | undefined, description: string) =>
    response ? { description, content: { 'application/json': { schema: jsonSchema(RESPONSES[response], 'output'), ...exampleOf(RESPONSE_EXAMPLES[response]) } } } : { description };
  return Object.fromEntries([
    [String(op.status), answer(op.response, op.response ? op.summary : 'Done; no body.')],
    ...(op.alsoAnswers ?? []).map((other) => [String(other.status), answer(other.response, other.when)]),
  ]);
}

export function openApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATION_LIST) {
    const body = op.body && objectSchema(op.body, 'input');
    (paths[op.path] ??= {})[op.method.toLowerCase()] = {
      operationId: camel(op.name),
      tags: [tagOf(op)],
      summary: op.summary,
      description: [op.description, `**Who:** ${op.who}`].filter(Boolean).join('\n\n'),
      security: op.auth === 'jwt' ? [{ bearer: [] }] : [],
      ...(parameters(op).length > 0 ? { parameters: parameters(op) } : {}),
      ...(body ? { requestBody: { required: !body.optional, content: { 'application/json': { schema: body.schema, ...exampleOf(REQUEST_EXAMPLES[op.name]) } } } } : {}),
      responses: { ...successResponses(op), ...errorResponses(op, errorsOf(op)) },
    };
  }
  const codes = [...new Set([...Object.values(PROBLEMS).map((p) => p.code), INTERNAL.code])];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Invite links API',
      version: '1',
      description:
        'Shareable, expiring invite links for a SaaS user directory. JSON in and out; every error is `application/problem+json` (RFC 9457) with a machine-readable `code`. Signed-in routes take `Authorization: Bearer <JWT>` from the identity provider; the caller’s memberships and permissions come from server-side data, never from the request. A caller who is not a member of `{domainId}` gets 404 for everything under it.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'Directory', description: 'Who the caller is; a domain’s teams, role groups, legacy groups and users.' },
      { name: 'Invite links', description: 'Making, listing, copying again (reveal) and revoking links; the domain switch.' },
      { name: 'Joining', description: 'What the join page calls.' },
      { name: 'About', description: 'This document.' },
    ],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'An RSA-signed token from the deployment’s identity provider (Cognito, the operator’s, or the local stack’s at /oidc), checked by the API Gateway JWT authorizer: issuer, audience, expiry, signature.',
        },
      },
      schemas: {
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details; `field` names the request field at fault.',
          required: ['type', 'status', 'title', 'detail', 'code'],
          properties: {
            type: { type: 'string' },
            status: { type: 'integer' },
            title: { type: 'string' },
            detail: { type: 'string' },
            code: { type: 'string', enum: codes },
            field: { type: 'string' },
            reason: { type: 'string', enum: [...LINK_END_REASONS], description: 'A link that does not work (410): why it stopped working, or why it is paused.' },
            domainName: { type: 'string', description: 'A dead link (410): the organisation it was for.' },
            pausedUntil: { type: 'string', format: 'date-time', description: '`LINKS_PAUSED`: when the domain’s links work again (unless an admin resumes them sooner).' },
          },
          additionalProperties: false,
        },
        GatewayMessage: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
      },
    },
    paths,
  };
}

/** docs/api.md: the API in a table, and the error codes, from the same sources. */
export function apiMarkdown(): string {
  const rows = OPERATION_LIST.map((op) => {
    const errors = errorsOf(op).map((k) => `${PROBLEMS[k].status} \`${PROBLEMS[k].code}\``);
    return `| \`${routeKey(op)}\` | ${op.summary} | ${op.who} | ${[op.status, ...(op.alsoAnswers ?? []).map((other) => other.status)].join(' or ')} | ${[...new Set(errors)].join(', ')} |`;
  });
  const codes = Object.values(PROBLEMS).map((p) => `| ${p.status} | \`${p.code}\` | ${p.title} |`);
  return [
    '# The API (v1)',
    '',
    '<!-- Written by `npm run openapi` from shared/contract/operations.ts; edit that, not this. -->',
    '',
    'JSON in and out. Errors are `application/problem+json` (RFC 9457) with `status`, `title`, `detail`, a',
    'machine-readable `code` and, for bad input, the `field` at fault. Signed-in routes take',
    '`Authorization: Bearer <JWT>`. The full description with every schema is the OpenAPI 3.1 document:',
    '[openapi.json](openapi.json) here, `GET /v1/openapi.json` on a running service, rendered at `/api`.',
    '',
    '| operation | what | who | success | errors |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'Every operation can also answer 500 `INTERNAL`. A caller who is not a member of `{domainId}` gets',
    '404 for everything under it. Refusals made before the API runs, the same in AWS and on the local stack:',
    'no `Authorization` header: 401 problem+json (`UNAUTHENTICATED`); a token the JWT authorizer rejects:',
    '401 `{"message": "Unauthorized"}`; the route throttle: 429 `{"message": "Too Many Requests"}`; a',
    'per-client limit (WAF): 429 with the `RATE_LIMITED` problem body sent as `application/json` and `Retry-After`.',
    '',
    '## Error codes',
    '',
    '| status | code | title |',
    '| --- | --- | --- |',
    ...codes,
    `| ${INTERNAL.status} | \`${INTERNAL.code}\` | ${INTERNAL.title} |`,
    '',
  ].join('\n');
}
