/**
 * Property: text that is not well-formed Unicode (a lone UTF-16 surrogate) in any text field of any
 * operation is a 400 naming that field, never a 5xx, and nothing is written. The fields are found in
 * the operation table's own schemas, so a field added later is tried too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as z from 'zod/mini';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { unwrapped } from '../../shared/contract/openapi.ts';
import { OPERATION_LIST, type NamedOperation, type OperationName } from '../../shared/contract/operations.ts';
import { useStack, type Reply } from '../support/stack.ts';
import { DEMO_DOMAIN, OWNER } from '../support/steps.ts';

const t = useStack({ notifier: false, eventsFeed: false });
let ownerToken: string;
let snapshot: string[];

async function tableContents(): Promise<string[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await t.db.send(new ScanCommand({ TableName: t.stack.tableName, ExclusiveStartKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items.filter((i) => !/^(STREAM|SEED)#/.test(String(i.PK))).map((i) => JSON.stringify(i)).sort();
}

beforeAll(async () => {
  ownerToken = await t.tokenFor(OWNER);
  snapshot = await tableContents();
});

afterAll(async () => {
  const now = await tableContents();
  expect({ written: now.filter((i) => !snapshot.includes(i)), lost: snapshot.filter((i) => !now.includes(i)) }).toEqual({ written: [], lost: [] });
});

/** A request each operation would take: every field but the one under test stays valid. */
interface Valid {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
}
const ID = 'A'.repeat(43);
const VALID: Record<OperationName, Valid> = {
  'get-me': {},
  'list-teams': { params: { domainId: DEMO_DOMAIN } },
  'list-role-groups': { params: { domainId: DEMO_DOMAIN } },
  'list-groups': { params: { domainId: DEMO_DOMAIN } },
  'list-users': { params: { domainId: DEMO_DOMAIN }, query: { limit: '10', cursor: 'abc', inviteLinkId: ID } },
  'update-member': { params: { domainId: DEMO_DOMAIN, userId: 'u-demo-viewer' }, body: { userType: 'BROWSE', teamIds: ['editors'], roleGroupIds: ['viewers'], groupIds: ['archive'], isAdmin: false } },
  'remove-member': { params: { domainId: DEMO_DOMAIN, userId: 'u-demo-viewer' }, query: { allowRejoin: 'true' } },
  'list-removed-members': { params: { domainId: DEMO_DOMAIN }, query: { limit: '10', cursor: 'abc' } },
  'allow-rejoin': { params: { domainId: DEMO_DOMAIN }, body: { email: 'someone@example.test' } },
  'get-invite-link-settings': { params: { domainId: DEMO_DOMAIN } },
  'put-invite-link-settings': { params: { domainId: DEMO_DOMAIN }, body: { enabled: true, allowedEmailDomains: ['example.com'] } },
  'pause-invite-links': { params: { domainId: DEMO_DOMAIN }, body: { hours: 1 } },
  'resume-invite-links': { params: { domainId: DEMO_DOMAIN } },
  'create-invite-link': {
    params: { domainId: DEMO_DOMAIN },
    body: { userType: 'STANDARD', primaryTeamId: 'producers', additionalTeamIds: ['marketing'], roleGroupIds: ['contributors'], groupIds: ['archive'], label: 'Crew', allowedEmailDomains: ['example.com'] },
  },
  'create-onboarding-link': { params: { domainId: DEMO_DOMAIN }, body: {} },
  'list-activity': { params: { domainId: DEMO_DOMAIN }, query: { limit: '10', cursor: 'abc', type: 'MemberJoined' } },
  'list-invite-links': { params: { domainId: DEMO_DOMAIN }, query: { limit: '10', cursor: 'abc' } },
  'list-ended-invite-links': { params: { domainId: DEMO_DOMAIN }, query: { limit: '10', cursor: 'abc' } },
  'revoke-invite-link': { params: { domainId: DEMO_DOMAIN, linkId: ID } },
  'reveal-invite-link': { params: { domainId: DEMO_DOMAIN, linkId: ID } },
  'resume-invite-link': { params: { domainId: DEMO_DOMAIN, linkId: ID } },
  'reissue-invite-link': { params: { domainId: DEMO_DOMAIN, linkId: ID }, body: { revokeOld: true } },
  'revoke-all-invite-links': { params: { domainId: DEMO_DOMAIN }, body: { createdBy: 'u-demo-viewer' } },
  'create-invitations': {
    params: { domainId: DEMO_DOMAIN },
    body: { emails: ['someone@example.test'], userType: 'STANDARD', primaryTeamId: 'producers', additionalTeamIds: ['marketing'], roleGroupIds: ['contributors'], groupIds: ['archive'], message: 'Welcome aboard' },
  },
  'list-invitations': { params: { domainId: DEMO_DOMAIN }, query: { limit: '10', cursor: 'abc' } },
  'revoke-invitation': { params: { domainId: DEMO_DOMAIN, invitationId: 'A'.repeat(22) } },
  'resend-invitation': { params: { domainId: DEMO_DOMAIN, invitationId: 'A'.repeat(22) } },
  'revoke-all-invitations': { params: { domainId: DEMO_DOMAIN } },
  'list-join-requests': { params: { domainId: DEMO_DOMAIN }, query: { limit: '10', cursor: 'abc', status: 'pending', inviteLinkId: ID } },
  'approve-join-request': { params: { domainId: DEMO_DOMAIN, requestId: 'A'.repeat(22) } },
  'decline-join-request': { params: { domainId: DEMO_DOMAIN, requestId: 'A'.repeat(22) }, body: { reason: 'Not this time' } },
  'lookup-invite-link': { body: { token: ID } },
  join: { body: { token: ID, firstName: 'Eve', lastName: 'Adams' } },
  'get-openapi': {},
};

type Part = 'params' | 'query' | 'body';
interface TextField {
  op: NamedOperation;
  part: Part;
  name: string;
  /** A list of texts (ids, email domains): the bad text goes in as its first item. */
  list: boolean;
}
type JsonSchema = { type?: string; items?: JsonSchema; properties?: Record<string, JsonSchema> };

/** Every string, or list of strings, an operation takes, from the schemas its handler validates with. */
function textFieldsOf(op: NamedOperation): TextField[] {
  return (['params', 'query', 'body'] as const).flatMap((part) => {
    const schema = op[part];
    if (!schema) return [];
    const json = z.toJSONSchema(unwrapped(schema).inner, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    return Object.entries(json.properties ?? {}).flatMap(([name, property]): TextField[] => {
      if (property.type === 'string') return [{ op, part, name, list: false }];
      if (property.type === 'array' && property.items?.type === 'string') return [{ op, part, name, list: true }];
      return [];
    });
  });
}
const FIELDS = OPERATION_LIST.flatMap(textFieldsOf);

/** A URL can only carry bytes: a lone surrogate travels as the three bytes UTF-8 would give it (WTF-8), which no decoder accepts. */
const percentEncoded = (value: string) =>
  [...value]
    .map((ch) => {
      const unit = ch.charCodeAt(0);
      if (ch.length > 1 || unit < 0xd800 || unit > 0xdfff) return encodeURIComponent(ch);
      return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    })
    .join('');

function send(op: NamedOperation, valid: Valid, token: string | undefined): Promise<Reply> {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => percentEncoded(valid.params![name]!));
  const query = Object.entries(valid.query ?? {}).map(([name, value]) => `${name}=${percentEncoded(value)}`).join('&');
  return t.request(op.method, `${path}${query ? `?${query}` : ''}`, { token, ...(op.body ? { body: valid.body } : {}) });
}

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
const anyText = fc.string({ unit: 'binary', maxLength: 20 });
/** Text with at least one unpaired surrogate, anywhere in it. */
const illFormed = fc.tuple(anyText, loneSurrogate, anyText).map(([before, lone, after]) => `${before}${lone}${after}`).filter((text) => !text.isWellFormed());

const expectRefusalNaming = (res: Reply, fields: string[], what: string) => {
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(400);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body, what).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
  expect(fields, `${what}: named ${JSON.stringify(res.body.field)}`).toContain(res.body.field);
};

describe('ill-formed text in any field', () => {
  it('finds the text fields of every operation that takes input', () => {
    const named = new Set(FIELDS.map((f) => `${f.op.name}.${f.name}`));
    for (const field of ['join.firstName', 'join.lastName', 'create-invite-link.label', 'revoke-all-invite-links.createdBy', 'list-activity.type', 'update-member.userId']) expect(named).toContain(field);
    for (const op of OPERATION_LIST) if (op.params || op.query || op.body) expect(VALID[op.name], op.name).toBeDefined();
  });

  it.each(FIELDS.map((f) => [`${f.op.name} ${f.part}.${f.name}`, f] as const))('%s: a 400 naming the field, never a 5xx', async (_, { op, part, name, list }) => {
    const valid = VALID[op.name];
    const token = op.auth === 'jwt' ? ownerToken : undefined;
    await fc.assert(
      fc.asyncProperty(illFormed, async (bad) => {
        const request = { ...valid, [part]: { ...valid[part], [name]: list ? [bad] : bad } };
        const named = list ? [`${name}[0]`] : [name];
        // Over HTTP a path or query value arrives decoded by the gateway: as U+FFFD, or refused as a path.
        const fields = part === 'params' ? [...named, 'path'] : named;
        expectRefusalNaming(await send(op, request, token), fields, `${op.name} ${part}.${name} = ${JSON.stringify(bad)}`);
      }),
      { numRuns: 10 },
    );
  });

  it.each(OPERATION_LIST.filter((op) => op.body).map((op) => [op.name, op] as const))('%s: an ill-formed field name is a 400 naming it', async (_, op) => {
    await fc.assert(
      fc.asyncProperty(illFormed, async (bad) => {
        const request = { ...VALID[op.name], body: { ...VALID[op.name].body, [bad]: 'x' } };
        expectRefusalNaming(await send(op, request, op.auth === 'jwt' ? ownerToken : undefined), [bad], `${op.name} body key ${JSON.stringify(bad)}`);
      }),
      { numRuns: 5 },
    );
  });
});

describe('stacked combining marks', () => {
  it('refuses a name or label stacking more than 4 marks on one character, naming the field', async () => {
    const zalgo = `Z${'\u0301\u0316\u0344'.repeat(30)}oe`;
    const join = OPERATION_LIST.find((op) => op.name === 'join')!;
    const create = OPERATION_LIST.find((op) => op.name === 'create-invite-link')!;
    expectRefusalNaming(await send(join, { body: { ...VALID.join.body, firstName: zalgo } }, ownerToken), ['firstName'], 'firstName');
    expectRefusalNaming(await send(join, { body: { ...VALID.join.body, lastName: `q${'\u0301'.repeat(5)}` } }, ownerToken), ['lastName'], 'lastName');
    expectRefusalNaming(await send(create, { ...VALID['create-invite-link'], body: { ...VALID['create-invite-link'].body, label: zalgo } }, ownerToken), ['label'], 'label');
  });
});
