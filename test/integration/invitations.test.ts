/**
 * Invitations by email through the front door: inviting many addresses at once (links on or off),
 * each address answered for on its own, listing the pending ones, revoking one or all, resending
 * with a new token, the daily caps; and the functions' grants hold for all of it.
 */
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import type { Authorization } from '../../local/iam/emulation.ts';
import { KMS_PATH } from '../../local/kms.ts';
import { LOCAL_AWS } from '../../local/services.ts';
import { testIam } from '../support/iam.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, MANAGER, newPerson, OTHER_DOMAIN, OTHER_OWNER, OWNER, VIEWER, when } from '../support/steps.ts';

const authorizations: Authorization[] = [];
const iam = testIam();
const t = useStack({ notifier: false, eventsFeed: false, iam: { ...iam, onAuthorization: (a) => (iam.onAuthorization?.(a), authorizations.push(a)) } });

const invitationsPath = (domainId = DEMO_DOMAIN) => `/v1/domains/${domainId}/invitations`;
const grant = { userType: 'STANDARD', primaryTeamId: 'producers' };
const addresses = (n: number, prefix = 'invitee') => Array.from({ length: n }, () => newPerson(prefix).email);
const invite = (emails: string[], as = OWNER, body: Record<string, unknown> = grant, domainId = DEMO_DOMAIN) => t.as(as).post(invitationsPath(domainId), { emails, ...body });
/** Invites one address and returns its invitation's id, failing loudly otherwise. */
async function invitationOf(email: string, as = OWNER, body: Record<string, unknown> = grant, domainId = DEMO_DOMAIN): Promise<string> {
  const res = await invite([email], as, body, domainId);
  if (res.status !== 201 || res.body.items[0].status !== 'invited') throw new Error(`invitation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items[0].invitationId;
}
const pending = async (as = OWNER, domainId = DEMO_DOMAIN) => {
  const found: { invitationId: string; email: string }[] = [];
  let cursor: string | undefined;
  do {
    const res = await t.as(as).get(`${invitationsPath(domainId)}?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    found.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return found;
};
const isPending = async (invitationId: string) => (await pending()).some((i) => i.invitationId === invitationId);

/** Every item of a partition, as the table holds it. */
async function partition(pk: string): Promise<Record<string, any>[]> {
  const { Items = [] } = await t.db.send(new QueryCommand({ TableName: t.stack.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }));
  return Items;
}
const item = async (pk: string) => (await partition(pk))[0];
/** The token a sending's email carries, opened from its outbox item (no notifier here) as the notifier opens it. */
async function sentToken(invitationId: string, sendCount: number): Promise<string> {
  const sending = (await partition(`INVITE#${invitationId}`)).find((i) => i.SK === `SEND#${sendCount}`)!;
  const kms = new KMSClient({ ...LOCAL_AWS, endpoint: `${t.stack.url}${KMS_PATH}` });
  const sealed = { KeyId: t.stack.kms.keyArn, CiphertextBlob: Buffer.from(sending.sealedToken, 'base64'), EncryptionContext: { domainId: DEMO_DOMAIN, linkId: invitationId } };
  return Buffer.from((await kms.send(new DecryptCommand(sealed))).Plaintext!).toString('utf8');
}
/** What the join page is told about a token that no longer works. */
const ended = async (token: string) => {
  const { body } = await when(t).lookup(token);
  return [body.status, body.code, body.reason, body.detail];
};
const activity = async (type: string) => (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/activity?type=${type}&limit=100`)).body.items as Record<string, any>[];

describe('inviting people by email', () => {
  it('invites ten people in one request with invite links turned off: each their own invitation, token hashed, email queued', async () => {
    expect((await when(t).setLinksEnabled(false)).status).toBe(200);
    const emails = addresses(10);
    const res = await invite(emails.map((e, i) => (i === 0 ? e.toUpperCase() : e)), OWNER, { ...grant, roleGroupIds: ['contributors'], message: 'Welcome to the spring shoot' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.items.map((i: { email: string }) => i.email)).toEqual(emails);
    expect(res.body.items.every((i: { status: string; invitationId?: string }) => i.status === 'invited' && i.invitationId)).toBe(true);
    expect(new Set(res.body.items.map((i: { invitationId: string }) => i.invitationId)).size).toBe(10);

    const [invitation, outbox] = await partition(`INVITE#${res.body.items[0].invitationId}`);
    expect(invitation).toMatchObject({ SK: 'INVITATION', email: emails[0], sendCount: 1, roleGroupIds: ['contributors'], message: 'Welcome to the spring shoot', createdByEmail: OWNER });
    expect(Date.parse(invitation!.expiresAt) - Date.parse(invitation!.createdAt)).toBe(604_800_000);
    // Only the token's hash is kept; the token item is found by it.
    expect(invitation!.tokenHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await item(`INVITE_TOKEN#${invitation!.tokenHash}`)).toMatchObject({ invitationId: invitation!.invitationId, domainId: DEMO_DOMAIN });
    expect(await item(`INVITE_EMAIL#${DEMO_DOMAIN}#${emails[0]}`)).toMatchObject({ invitationId: invitation!.invitationId });
    expect(outbox).toMatchObject({ SK: 'SEND#1', entityType: 'InvitationEmail', email: emails[0], domainName: 'Demo Media Co', invitedBy: { email: OWNER }, message: 'Welcome to the spring shoot' });
    expect(outbox!.grant).toEqual({ userType: 'STANDARD', primaryTeamName: 'Producers', additionalTeamNames: [], roleGroupNames: ['Contributors'], groupNames: [] });
    expect(outbox!.sealedToken).toEqual(expect.any(String));

    // One activity entry each, naming the address and the grant, never a token, its hash or its sealed form.
    const created = (await activity('InvitationCreated')).filter((e) => emails.includes(e.invitation.email));
    expect(created).toHaveLength(10);
    expect(created[0]).toMatchObject({ actor: { email: OWNER }, invitation: { createdBy: expect.any(String), createdByEmail: OWNER, userType: 'STANDARD', primaryTeamId: 'producers', roleGroupIds: ['contributors'] } });
    const said = JSON.stringify(created);
    expect(said).not.toContain(invitation!.tokenHash);
    expect(said).not.toContain(outbox!.sealedToken);
    expect((await when(t).setLinksEnabled(true)).status).toBe(200);
  });

  it('answers for each address: a member, one already invited, one outside the domain’s email domains, someone removed, and each address once', async () => {
    const removed = newPerson('removed');
    const joined = await when(t).join((await when(t).linkToken(OWNER)).token, removed);
    expect((await t.as(OWNER).delete(`/v1/domains/${DEMO_DOMAIN}/users/${joined.body.userId}`)).status).toBe(204);
    const [already, fresh] = addresses(2);
    await invitationOf(already!);
    const outsider = 'someone@outside.test';
    expect((await t.as(OWNER).put(`/v1/domains/${DEMO_DOMAIN}/settings/invite-links`, { allowedEmailDomains: ['example.test', 'demo.test'] })).status).toBe(200);

    const res = await invite([MANAGER, already!, outsider, removed.email, fresh!, fresh!.toUpperCase()]);
    expect(res.status).toBe(201);
    expect(res.body.items).toEqual([
      { email: MANAGER, status: 'already-member' },
      { email: already, status: 'already-invited' },
      { email: outsider, status: 'refused', code: 'EMAIL_DOMAIN_NOT_ALLOWED' },
      { email: removed.email, status: 'refused', code: 'REJOIN_BLOCKED' },
      { email: fresh, status: 'invited', invitationId: expect.any(String) },
    ]);
    // Nothing is written for an address that was not invited.
    expect(await partition(`INVITE_EMAIL#${DEMO_DOMAIN}#${outsider}`)).toEqual([]);
    expect(await partition(`INVITE_EMAIL#${DEMO_DOMAIN}#${removed.email}`)).toEqual([]);
    expect((await t.as(OWNER).put(`/v1/domains/${DEMO_DOMAIN}/settings/invite-links`, { allowedEmailDomains: [] })).status).toBe(200);
  });

  it('refuses bad input with a 400 naming the field, and writes nothing', async () => {
    const [a, b, c] = addresses(3, 'bad-input') as [string, string, string];
    const refusals = [
      [[a, b, c, 'not an address'], grant, 'emails[3]'],
      [addresses(101, 'too-many'), grant, 'emails'],
      [[], grant, 'emails'],
      [[a], { ...grant, message: 'x'.repeat(501) }, 'message'],
      [[a], { ...grant, message: 'line one\nline two' }, 'message'],
      [[a], { ...grant, expiresInSeconds: 604_801 }, 'expiresInSeconds'],
      [[a], { ...grant, expiresInSeconds: 299 }, 'expiresInSeconds'],
      [[a], { userType: 'STANDARD' }, 'primaryTeamId'],
      [[a], { ...grant, sealedToken: 'x' }, 'sealedToken'],
    ] as const;
    for (const [emails, body, field] of refusals) {
      const res = await invite([...emails], OWNER, body);
      expect(res.body, field).toMatchObject({ status: 400, code: 'INVALID_REQUEST', field });
    }
    expect((await invite([a], OWNER, { ...grant, additionalTeamIds: ['interns'] })).body).toMatchObject({ status: 422, field: 'additionalTeamIds[0]' });
    for (const email of [a, b, c]) expect(await partition(`INVITE_EMAIL#${DEMO_DOMAIN}#${email}`)).toEqual([]);
  });

  it('holds the inviter to the role ceiling (403), refuses members who may not invite (403) and other domains (404)', async () => {
    const [email] = addresses(1, 'ceiling');
    expect((await invite([email!], MANAGER, { userType: 'POWER', primaryTeamId: 'producers' })).body).toMatchObject({ status: 403, code: 'FORBIDDEN', detail: expect.stringContaining('userType') });
    expect((await invite([email!], MANAGER, { ...grant, roleGroupIds: ['contributors'] })).body).toMatchObject({ status: 403, detail: expect.stringContaining('roleGroupIds') });
    expect((await invite([email!], VIEWER)).status).toBe(403);
    expect((await invite([email!], OTHER_OWNER)).status).toBe(404);
    expect((await t.as(OTHER_OWNER).get(invitationsPath())).status).toBe(404);
    expect((await t.as(VIEWER).get(invitationsPath())).status).toBe(403);
    expect(await partition(`INVITE_EMAIL#${DEMO_DOMAIN}#${email}`)).toEqual([]);
    // Within the ceiling, a member who may invite invites.
    expect((await invite([email!], MANAGER, { ...grant, roleGroupIds: ['user-managers'] })).body.items[0].status).toBe('invited');
  });
});

describe('the pending invitations', () => {
  it('are listed newest first, a page at a time, with who invited, when and until when, never a token', async () => {
    const emails = addresses(3, 'listed');
    for (const email of emails) await invitationOf(email, OWNER, { ...grant, message: 'Hello' });
    const first = await t.as(OWNER).get(`${invitationsPath()}?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((i: { email: string }) => i.email)).toEqual([emails[2], emails[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.as(OWNER).get(`${invitationsPath()}?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].email).toBe(emails[0]);
    const [newest] = first.body.items;
    expect(Object.keys(newest).sort()).toEqual(
      ['additionalTeamIds', 'createdAt', 'createdBy', 'createdByEmail', 'email', 'expiresAt', 'groupIds', 'invitationId', 'lastSentAt', 'message', 'primaryTeamId', 'roleGroupIds', 'sendCount', 'status', 'userType'].sort(),
    );
    expect(newest).toMatchObject({ status: 'pending', createdByEmail: OWNER, sendCount: 1, message: 'Hello' });
    expect((await t.as(OWNER).get(`${invitationsPath()}?cursor=${Buffer.from('{"list":"links"}').toString('base64url')}`)).body).toMatchObject({ status: 400, field: 'cursor' });
  });
});

describe('revoking an invitation', () => {
  it('its sender or an admin may; its link dies, its address is free again, and the activity says so', async () => {
    const [mine, owners] = addresses(2, 'revoked');
    const managers = await invitationOf(mine!, MANAGER);
    const ownersId = await invitationOf(owners!);
    const before = await item(`INVITE#${managers}`);

    expect((await t.as(MANAGER).delete(`${invitationsPath()}/${ownersId}`)).status).toBe(403);
    expect((await t.as(VIEWER).delete(`${invitationsPath()}/${ownersId}`)).status).toBe(403);
    expect((await t.as(OTHER_OWNER).delete(`${invitationsPath()}/${ownersId}`)).status).toBe(404);
    expect((await t.as(OTHER_OWNER).delete(`${invitationsPath(OTHER_DOMAIN)}/${ownersId}`)).status).toBe(404);
    expect(await isPending(ownersId)).toBe(true);

    expect((await t.as(MANAGER).delete(`${invitationsPath()}/${managers}`)).status).toBe(204);
    expect((await t.as(OWNER).delete(`${invitationsPath()}/${ownersId}`)).status).toBe(204);
    // Revoking again changes nothing.
    expect((await t.as(OWNER).delete(`${invitationsPath()}/${ownersId}`)).status).toBe(204);
    expect(await isPending(managers)).toBe(false);
    expect(await isPending(ownersId)).toBe(false);
    expect(await item(`INVITE#${managers}`)).toMatchObject({ revokedAt: expect.any(String), revokedBy: expect.any(String) });
    // Its token item stays until its TTL, so the link in the email says the invitation was withdrawn.
    expect(await item(`INVITE_TOKEN#${before!.tokenHash}`)).toMatchObject({ invitationId: managers, expiresAt: before!.expiresAt });
    expect(await ended(await sentToken(managers, 1))).toEqual([410, 'LINK_REVOKED', 'revoked', expect.stringContaining('withdrawn')]);
    expect(await partition(`INVITE_EMAIL#${DEMO_DOMAIN}#${mine}`)).toEqual([]);
    const revoked = (await activity('InvitationRevoked')).filter((e) => [managers, ownersId].includes(e.invitation.id));
    expect(revoked.map((e) => [e.actor.email, e.invitation.email, e.invitation.createdByEmail])).toEqual([[OWNER, owners, OWNER], [MANAGER, mine, MANAGER]]);
    // The address may be invited again.
    expect((await invite([mine!], MANAGER)).body.items[0].status).toBe('invited');
  });
});

describe('resending an invitation', () => {
  it('queues a new email with a new token, kills the old one at once, and lives its life again from now', async () => {
    const [email] = addresses(1, 'resent');
    const invitationId = await invitationOf(email!, MANAGER, { ...grant, expiresInSeconds: 3600 });
    const before = await item(`INVITE#${invitationId}`);
    const oldTokenItem = await item(`INVITE_TOKEN#${before!.tokenHash}`);
    const res = await t.as(OWNER).post(`${invitationsPath()}/${invitationId}/resend`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ invitationId, email, status: 'pending', sendCount: 2, createdByEmail: MANAGER });
    expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.lastSentAt)).toBe(3_600_000);
    expect(JSON.stringify(res.body)).not.toMatch(/tokenHash|sealedToken/);

    const after = await partition(`INVITE#${invitationId}`);
    const invitation = after.find((i) => i.SK === 'INVITATION')!;
    expect(invitation.tokenHash).not.toBe(before!.tokenHash);
    // The old token item stays as it was (its own TTL), so the first email's link says it was sent again; the new link works.
    expect(await item(`INVITE_TOKEN#${before!.tokenHash}`)).toEqual(oldTokenItem);
    expect(await item(`INVITE_TOKEN#${invitation.tokenHash}`)).toMatchObject({ invitationId, expiresAt: invitation.expiresAt });
    expect(await ended(await sentToken(invitationId, 1))).toEqual([410, 'LINK_REVOKED', 'revoked', expect.stringContaining('sent again')]);
    expect((await when(t).lookup(await sentToken(invitationId, 2))).status).toBe(200);
    // The email names the sender, whoever resends it.
    expect(after.find((i) => i.SK === 'SEND#2')).toMatchObject({ sendCount: 2, email, invitedBy: { email: MANAGER } });
    expect(await item(`INVITE_EMAIL#${DEMO_DOMAIN}#${email}`)).toMatchObject({ expiresAt: invitation.expiresAt });
    expect((await activity('InvitationResent')).find((e) => e.invitation.id === invitationId)).toMatchObject({ actor: { email: OWNER }, invitation: { email, sendCount: 2, expiresAt: invitation.expiresAt } });

    expect((await t.as(VIEWER).post(`${invitationsPath()}/${invitationId}/resend`)).status).toBe(403);
    expect((await t.as(OWNER).delete(`${invitationsPath()}/${invitationId}`)).status).toBe(204);
    expect((await t.as(OWNER).post(`${invitationsPath()}/${invitationId}/resend`)).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});

describe('revoking every pending invitation, and deleting all links', () => {
  it('“delete all existing links” leaves invitations alone, and revoking all invitations leaves links alone', async () => {
    const invitationId = await invitationOf(addresses(1, 'survivor')[0]!);
    expect((await when(t).revokeAll()).status).toBe(200);
    expect(await isPending(invitationId)).toBe(true);

    const link = await when(t).linkToken(OWNER);
    await invitationOf(addresses(1, 'revoked-all')[0]!, MANAGER);
    const count = (await pending()).length;
    expect((await t.as(MANAGER).post(`${invitationsPath()}/revoke-all`)).status).toBe(403);
    const res = await t.as(OWNER).post(`${invitationsPath()}/revoke-all`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ revoked: count });
    expect(await pending()).toEqual([]);
    expect((await when(t).lookup(link.token)).status).toBe(200);
    expect((await t.as(OWNER).get(linksPath())).body.items.map((l: { id: string }) => l.id)).toContain(link.id);
    expect((await activity('InvitationsRevokedAll'))[0]).toMatchObject({ actor: { email: OWNER }, revoked: count });
  });
});

describe('the daily caps', () => {
  it('refuses a sixth sending to one address in a day: a resend with 429, a new invitation as RECIPIENT_LIMIT', async () => {
    const [email] = addresses(1, 'capped');
    const invitationId = await invitationOf(email!);
    for (let i = 2; i <= 5; i++) expect((await t.as(OWNER).post(`${invitationsPath()}/${invitationId}/resend`)).body.sendCount).toBe(i);
    const sixth = await t.as(OWNER).post(`${invitationsPath()}/${invitationId}/resend`);
    expect(sixth.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(sixth.headers.get('retry-after'))).toBeLessThanOrEqual(86_400);
    expect((await partition(`INVITE#${invitationId}`)).filter((i) => i.SK.startsWith('SEND#'))).toHaveLength(5);
    // Another domain's sender counts against the same address too.
    expect((await invite([email!], OTHER_OWNER, { userType: 'STANDARD', primaryTeamId: 'crew' }, OTHER_DOMAIN)).body.items).toEqual([{ email, status: 'refused', code: 'RECIPIENT_LIMIT' }]);
  });

  it('stops a sender at their day’s cap in a domain: the rest of a request is refused INVITATION_QUOTA, and what was not used is given back', async () => {
    process.env.INVITATION_QUOTA_PER_CREATOR = '3';
    const crew = { userType: 'STANDARD', primaryTeamId: 'crew' };
    const results = async (emails: string[]) => (await invite(emails, OTHER_OWNER, crew, OTHER_DOMAIN)).body.items.map((i: { status: string; code?: string }) => i.code ?? i.status);
    try {
      // Other Studio's owner has sent nothing there today: the refused invitation above took nothing.
      const [a, b, c, d, e] = addresses(5, 'quota');
      expect(await results([a!, b!])).toEqual(['invited', 'invited']);
      // One sending is left: the address already invited takes it and gives it back.
      expect(await results([a!, c!, d!])).toEqual(['already-invited', 'INVITATION_QUOTA', 'INVITATION_QUOTA']);
      expect(await results([c!, d!, e!])).toEqual(['invited', 'INVITATION_QUOTA', 'INVITATION_QUOTA']);
    } finally {
      delete process.env.INVITATION_QUOTA_PER_CREATOR;
    }
  });
});

afterAll(() => {
  // Every call the five functions made was within their grants (the IAM emulation would have refused it otherwise).
  const ours = authorizations.filter((a) => /invitation/.test(a.functionName));
  expect(new Set(ours.map((a) => a.functionName))).toEqual(new Set(['create-invitations', 'list-invitations', 'revoke-invitation', 'resend-invitation', 'revoke-all-invitations']));
  expect(ours.filter((a) => !a.allowed)).toEqual([]);
});
