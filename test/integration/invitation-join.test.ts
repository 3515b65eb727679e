/**
 * Joining through an invitation by email, its token read from the email the invited person gets:
 * only the invited address, exactly once (also when joins race each other or a resend), with
 * exactly the access it was sent with, links on or off; an ended invitation says so as a link
 * does; the join is MemberJoined naming the invitation, and InvitationAccepted. The stack runs
 * with the transaction conflicts AWS would give and the IAM grants the functions declare.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { advanceClock } from '#shared/clock.ts';
import { keys } from '#shared/store/dynamodb/keys.ts';
import { assertEventSchemas, eventually } from '../support/events.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, OWNER, tokenOf, when } from '../support/steps.ts';

const t = useStack();

const run = randomUUID().slice(0, 8);
const invitationsPath = `/v1/domains/${DEMO_DOMAIN}/invitations`;
const usersPath = `/v1/domains/${DEMO_DOMAIN}/users`;
const address = (name: string) => `${name}-${run}@example.test`;
const GRANT = { userType: 'STANDARD', primaryTeamId: 'producers', additionalTeamIds: ['marketing'], roleGroupIds: ['contributors'], groupIds: ['archive'] };

const item = async (key: Record<string, string>) => (await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: key, ConsistentRead: true }))).Item;

/** The invitation emails this file's SES holds for one address, oldest first. */
async function invitationEmails(to: string): Promise<{ messageId: string; text: string }[]> {
  const { emails } = (await (await fetch(`${t.sesEndpoint}/store`)).json()) as { emails: { messageId: string; destination: { to: string[] }; subject: string; body: { text: string } }[] };
  return emails.filter((e) => e.destination.to.includes(to) && e.subject.endsWith(' invited you to Demo Media Co')).map((e) => ({ messageId: e.messageId, text: e.body.text }));
}
const tokenIn = (text: string) => tokenOf(/https?:\/\/\S+\/join#\S+/.exec(text)![0]);

/** Invites one address as the owner and waits for its email: the invitation's id and the token only that email holds. */
async function invite(email: string, extra: Record<string, unknown> = {}): Promise<{ invitationId: string; token: string }> {
  const res = await t.as(OWNER).post(invitationsPath, { emails: [email], ...GRANT, ...extra });
  expect(res.status).toBe(201);
  expect(res.body.items[0]).toMatchObject({ email, status: 'invited' });
  const [sent] = await eventually(() => invitationEmails(email), (found) => found.length > 0, 20_000);
  return { invitationId: res.body.items[0].invitationId, token: tokenIn(sent!.text) };
}

/** A verified identity of its own (its own `sub`) for an address: one person may have several, as with two providers. */
const identityFor = (email: string) => t.stack.identityProvider.issueIdToken({ sub: `sub-${randomUUID()}`, email, email_verified: true, given_name: 'Ida', family_name: 'Invitee' });
const joinAs = (bearer: string, token: string) => t.request('POST', '/v1/join', { token: bearer, body: { token } });
/** As a client does: a 503 BUSY is tried again after its Retry-After, so what is asserted is what concurrency must never break. */
async function answered(call: () => Promise<{ status: number; headers: Headers; body: any }>) {
  for (;;) {
    const res = await call();
    if (res.status !== 503) return res;
    await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after') ?? 1) * 1000));
  }
}
const membersWith = async (email: string) => ((await t.as(OWNER).get(`${usersPath}?limit=100`)).body.items as { email: string }[]).filter((m) => m.email === email);
const refusal = (res: { status: number; body: any }) => [res.status, res.body.code];

describe('the invited address joins', () => {
  it('with exactly the access the invitation carries, while invite links are turned off; the invitation is used up', async () => {
    expect((await when(t).setLinksEnabled(false)).status).toBe(200);
    try {
      const email = address('invited');
      const { invitationId, token } = await invite(email, { message: 'Welcome aboard' });
      const joined = await when(t).join(token, { email, firstName: 'Ida', lastName: 'Invitee' });
      expect(joined.status).toBe(201);
      expect(joined.body).toEqual({ userId: expect.any(String), domainId: DEMO_DOMAIN, email, userType: 'STANDARD', teamIds: ['producers', 'marketing'], roleGroupIds: ['contributors'], groupIds: ['archive'] });

      const ownerId = (await t.as(OWNER).get('/v1/me')).body.userId;
      const [member] = await membersWith(email);
      expect(member).toMatchObject({ userType: 'STANDARD', isAdmin: false, teamIds: ['producers', 'marketing'], roleGroupIds: ['contributors'], groupIds: ['archive'], primaryTeamId: 'producers' });
      expect((member as any).joinedVia).toEqual({ invitationId, at: expect.any(String), invitedBy: { userId: ownerId, email: OWNER } });
      // The address is no longer held for a pending invitation, and it is not listed as one.
      expect(await item(keys.invitationAddress(DEMO_DOMAIN, email))).toBeUndefined();
      expect((await t.as(OWNER).get(invitationsPath)).body.items.map((i: { invitationId: string }) => i.invitationId)).not.toContain(invitationId);

      // One use: again, by the same person (its answer lost), it answers their membership, writing nothing; the page's lookup says it is used.
      const again = await when(t).join(token, { email, firstName: 'Ida', lastName: 'Invitee' });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ domainId: DEMO_DOMAIN, email, userType: 'STANDARD' });
      expect((await when(t).lookup(token)).body).toMatchObject({ status: 410, code: 'LINK_REVOKED', reason: 'revoked', domainName: 'Demo Media Co' });
      expect(await membersWith(email)).toHaveLength(1);
    } finally {
      expect((await when(t).setLinksEnabled(true)).status).toBe(200);
    }
  });

  it('is MemberJoined naming the invitation (no link) and InvitationAccepted, in the Activity list and on the bus', async () => {
    const from = ((await (await fetch(`${t.stack.url}/local/events`)).json()) as unknown[]).length;
    const email = address('evented');
    const { invitationId, token } = await invite(email);
    const joined = await when(t).join(token, { email, firstName: 'Eve', lastName: 'Evented' });
    expect(joined.status).toBe(201);

    const member = { userId: joined.body.userId, email, firstName: 'Eve', lastName: 'Evented', userType: 'STANDARD', isAdmin: false, teamIds: ['producers', 'marketing'], roleGroupIds: ['contributors'], groupIds: ['archive'] };
    const invitation = { id: invitationId, email, createdBy: expect.any(String) };
    const activity = (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/activity?type=MemberJoined,InvitationAccepted&limit=10`)).body.items as Record<string, any>[];
    const mine = activity.filter((e) => e.member?.userId === joined.body.userId);
    expect(mine.map((e) => e.type).sort()).toEqual(['InvitationAccepted', 'MemberJoined']);
    expect(mine.find((e) => e.type === 'MemberJoined')).toMatchObject({ actor: { userId: joined.body.userId, email }, member, invitation });
    expect(mine.find((e) => e.type === 'MemberJoined')).not.toHaveProperty('link');
    expect(mine.find((e) => e.type === 'InvitationAccepted')).toMatchObject({ actor: { userId: joined.body.userId, email }, member, invitation });

    const events = await eventually(
      async () => ((await (await fetch(`${t.stack.url}/local/events`)).json()) as { 'detail-type': string; detail: any }[]).slice(from).filter((e) => e.detail.member?.userId === joined.body.userId),
      (found) => found.length >= 2,
      20_000,
    );
    expect(events.map((e) => e['detail-type']).sort()).toEqual(['InvitationAccepted', 'MemberJoined']);
    assertEventSchemas(events);
    expect(JSON.stringify(events)).not.toContain(token);
  });
});

describe('anyone else', () => {
  it('is refused with INVITATION_EMAIL_MISMATCH, nothing written, and the invitation still works for its address', async () => {
    const email = address('owner-of-it');
    const { invitationId, token } = await invite(email);
    const stranger = address('stranger');
    const refused = await when(t).join(token, { email: stranger, firstName: 'Sam', lastName: 'Stranger' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'INVITATION_EMAIL_MISMATCH', detail: expect.stringContaining(email) });
    expect(await membersWith(stranger)).toEqual([]);
    expect(await item(keys.invitation(invitationId))).not.toHaveProperty('acceptedAt');
    expect(await item(keys.invitationAddress(DEMO_DOMAIN, email))).toMatchObject({ invitationId });

    expect((await when(t).join(token, { email, firstName: 'Olga', lastName: 'Owner' })).status).toBe(201);
  });

  it('removed from the domain by an admin stays out: REJOIN_BLOCKED, also through an invitation sent before', async () => {
    const email = address('removed');
    const { token } = await invite(email);
    const { token: linkToken } = await when(t).linkToken(OWNER);
    const first = await when(t).join(linkToken, { email, firstName: 'Rex', lastName: 'Removed' });
    expect(first.status).toBe(201);
    expect((await t.as(OWNER).delete(`${usersPath}/${first.body.userId}`)).status).toBe(204);
    expect(refusal(await when(t).join(token, { email, firstName: 'Rex', lastName: 'Removed' }))).toEqual([403, 'REJOIN_BLOCKED']);
  });
});

describe('an invitation that ended answers as a link does', () => {
  it('expired: LINK_EXPIRED, naming the organisation; revoked: withdrawn; sent again: the older email says so, the newest works; at lookup and at join', async () => {
    const revokedEmail = address('revoked');
    const revoked = await invite(revokedEmail);
    expect((await t.as(OWNER).delete(`${invitationsPath}/${revoked.invitationId}`)).status).toBe(204);
    const resentEmail = address('resent');
    const resent = await invite(resentEmail);
    expect((await t.as(OWNER).post(`${invitationsPath}/${resent.invitationId}/resend`)).status).toBe(200);
    const both = await eventually(() => invitationEmails(resentEmail), (found) => found.length >= 2, 20_000);
    const latest = both.map((e) => tokenIn(e.text)).find((token) => token !== resent.token)!;
    const expiredEmail = address('expired');
    const expired = await invite(expiredEmail, { expiresInSeconds: 600 });
    // The service's clock, moved past the invitation's life: nobody waits for it.
    advanceClock(601_000);

    const ended = async (token: string, email: string) =>
      [await when(t).lookup(token), await when(t).join(token, { email, firstName: 'Al', lastName: 'Ended' })].map((r) => [r.status, r.body.code, r.body.reason, r.body.domainName, r.body.detail]);
    const said = (code: string, reason: string, words: string) => Array(2).fill([410, code, reason, 'Demo Media Co', expect.stringContaining(words)]);
    expect(await ended(expired.token, expiredEmail)).toEqual(said('LINK_EXPIRED', 'expired', 'expired'));
    // A revoke or a resend keeps the old token's item, so its link says what happened rather than that it never existed.
    expect(await ended(revoked.token, revokedEmail)).toEqual(said('LINK_REVOKED', 'revoked', 'withdrawn'));
    expect(await ended(resent.token, resentEmail)).toEqual(said('LINK_REVOKED', 'revoked', 'sent again'));
    expect(await membersWith(revokedEmail)).toEqual([]);
    expect(await membersWith(expiredEmail)).toEqual([]);
    expect(await membersWith(resentEmail)).toEqual([]);
    expect((await when(t).join(latest, { email: resentEmail, firstName: 'Al', lastName: 'Again' })).status).toBe(201);
    expect(await membersWith(resentEmail)).toHaveLength(1);
  });
});

describe('at the same moment', () => {
  it('two identities of the invited address join at once: exactly one membership', async () => {
    const email = address('twice');
    const { invitationId, token } = await invite(email);
    const bearers = await Promise.all([identityFor(email), identityFor(email)]);
    const [a, b] = await Promise.all(bearers.map((bearer) => answered(() => joinAs(bearer, token))));
    const winner = [a!, b!].filter((r) => r.status === 201);
    expect(winner).toHaveLength(1);
    // The other finds the invitation used, or the address a member already: either way, not a second member.
    expect([['LINK_REVOKED'], ['ALREADY_MEMBER']]).toContainEqual([[a!, b!].find((r) => r.status !== 201)!.body.code]);
    expect(await membersWith(email)).toHaveLength(1);
    expect(await item(keys.invitation(invitationId))).toMatchObject({ acceptedBy: winner[0]!.body.userId });
  });

  it('a resend racing the accept: exactly one wins, the accept (the resend refused) or the resend (the old link refused)', async () => {
    const racers = await Promise.all([0, 1, 2, 3].map(async (i) => ({ email: address(`race-${i}`), ...(await invite(address(`race-${i}`))) })));
    await Promise.all(
      racers.map(async ({ email, invitationId, token }) => {
        const [joined, resent] = await Promise.all([
          answered(() => when(t).join(token, { email, firstName: 'Rae', lastName: 'Racer' })),
          answered(() => t.as(OWNER).post(`${invitationsPath}/${invitationId}/resend`)),
        ]);
        const stored = await item(keys.invitation(invitationId));
        if (joined.status === 201) {
          expect(resent.status, email).not.toBe(200);
          expect(stored).toMatchObject({ acceptedBy: joined.body.userId, sendCount: 1 });
          expect(await membersWith(email)).toHaveLength(1);
        } else {
          expect(resent.status, email).toBe(200);
          // The old token's item stays, so its join is told the invitation was sent again, whichever read it saw.
          expect(refusal(joined)).toEqual([410, 'LINK_REVOKED']);
          expect(stored).toMatchObject({ sendCount: 2 });
          expect(stored).not.toHaveProperty('acceptedAt');
          expect(await membersWith(email)).toEqual([]);
          // The resent email's link is the one that works now.
          const both = await eventually(() => invitationEmails(email), (found) => found.length >= 2, 20_000);
          expect((await when(t).join(tokenIn(both[1]!.text), { email, firstName: 'Rae', lastName: 'Racer' })).status).toBe(201);
        }
      }),
    );
  });
});

describe('looking a token up', () => {
  it('says what kind it is: a link names who made it; an invitation who sent it, to whom, and their note', async () => {
    const email = address('looked-up');
    const { token } = await invite(email, { message: 'See you Monday' });
    expect((await when(t).lookup(token)).body).toEqual({
      kind: 'invitation',
      domainId: DEMO_DOMAIN,
      domainName: 'Demo Media Co',
      invitedBy: { name: 'Olivia Owner', email: OWNER },
      invitedEmail: email,
      message: 'See you Monday',
      userType: 'STANDARD',
      primaryTeamName: 'Producers',
      additionalTeamNames: ['Marketing'],
      roleGroupNames: ['Contributors'],
      groupNames: ['Archive'],
      expiresAt: expect.any(String),
    });
    const { token: linkToken } = await when(t).linkToken(OWNER);
    expect((await when(t).lookup(linkToken)).body).toMatchObject({ kind: 'link', invitedBy: 'Olivia Owner', allowedEmailDomains: [] });
    expect(refusal(await when(t).lookup('x'.repeat(43)))).toEqual([404, 'LINK_NOT_FOUND']);
  });
});
