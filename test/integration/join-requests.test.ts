/**
 * Links that need approval: joining through one records a join request (202) and admits nobody;
 * the link's creator (while they may invite) or an admin approves it, which is the join itself with
 * the link's grant and its use counted in the same write, or declines it, after which asking again
 * is refused. Concurrency: of parallel approvals of one request exactly one wins; no approval lands
 * after a revoke or a delete-all returned; maxUses stays exact under many approvals. The stack runs
 * with the transaction conflicts AWS would give and the IAM grants the functions declare.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '#shared/store/dynamodb/keys.ts';
import { activityItems } from '../support/activity-items.ts';
import { assertEventSchemas, eventually } from '../support/events.ts';
import { useStack, type Reply } from '../support/stack.ts';
import { answered, DEMO_DOMAIN, MANAGER, newPerson, OTHER_OWNER, OWNER, VIEWER, when } from '../support/steps.ts';

const t = useStack({ notifier: false });

type Person = ReturnType<typeof newPerson>;
const requestsPath = `/v1/domains/${DEMO_DOMAIN}/join-requests`;
const usersPath = `/v1/domains/${DEMO_DOMAIN}/users`;
const GRANT = { userType: 'STANDARD', primaryTeamId: 'producers', additionalTeamIds: ['marketing'], roleGroupIds: ['contributors'], groupIds: ['archive'] };

/** A link that needs approval, made by `creator`. */
const approvalLink = (creator = OWNER, extra: Record<string, unknown> = {}) => when(t).linkToken(creator, { ...GRANT, requireApproval: true, ...extra });
/** The person signs in and asks to join; the request's id when it was recorded. */
async function ask(token: string, person: Person = newPerson('asker')): Promise<{ person: Person; requestId: string; res: Reply }> {
  const res = await when(t).joinAnswered(token, person);
  return { person, requestId: res.body?.requestId, res };
}
const approve = (by: string, requestId: string) => answered(() => t.as(by).post(`${requestsPath}/${requestId}/approve`));
const decline = (by: string, requestId: string, body?: unknown) => answered(() => t.as(by).post(`${requestsPath}/${requestId}/decline`, body));
const list = async (by: string, query = '') => t.as(by).get(`${requestsPath}${query}`);
const listed = async (by: string, query = '') => (await list(by, query)).body.items as Record<string, any>[];
const refusal = (res: Reply) => [res.status, res.body?.code];

/** Whether the person is a member now, read as a join's own condition reads it (strongly consistent). */
const isMember = async (userId: string) => (await t.db.send(new GetCommand({ TableName: t.stack.tableName, Key: keys.membership(userId, DEMO_DOMAIN), ConsistentRead: true }))).Item !== undefined;
const membersWith = async (email: string) => ((await t.as(OWNER).get(`${usersPath}?limit=100`)).body.items as { email: string }[]).filter((m) => m.email === email);
const useCountOf = async (linkId: string) => ((await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/invite-links?limit=100`)).body.items as { id: string; useCount: number }[]).find((l) => l.id === linkId)?.useCount;
/** The requester's id, as approvers see it. */
const userIdOf = async (requestId: string, status = 'pending') => (await listed(OWNER, `?status=${status}&limit=100`)).find((r) => r.requestId === requestId)!.userId as string;

describe('asking to join through a link that needs approval', () => {
  it('answers 202 with a pending request and admits nobody; asking again answers the same request; the person sees it on /v1/me', async () => {
    const created = await when(t).createLink(OWNER, { ...GRANT, requireApproval: true });
    expect(created.status).toBe(201);
    expect(created.body.requireApproval).toBe(true);
    const { token, id } = { token: new URL(created.body.url).hash.slice(1), id: created.body.id as string };
    const lookup = await when(t).lookup(token);
    expect(lookup.body).toMatchObject({ kind: 'link', requireApproval: true, domainName: 'Demo Media Co' });

    const { person, requestId, res } = await ask(token);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'pending', requestId: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), domainId: DEMO_DOMAIN, domainName: 'Demo Media Co', requestedAt: expect.any(String) });
    expect(await membersWith(person.email)).toEqual([]);
    expect(await useCountOf(id)).toBe(0);

    const again = await when(t).join(token, person);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(res.body);

    const me = await t.as(person.email).get('/v1/me');
    expect(me.body.memberships).toEqual([]);
    expect(me.body.joinRequests).toEqual([{ requestId, domainId: DEMO_DOMAIN, domainName: 'Demo Media Co', status: 'pending', requestedAt: res.body.requestedAt }]);

    const [request] = (await listed(OWNER, `?inviteLinkId=${id}`));
    expect(request).toEqual({
      requestId, status: 'pending', linkId: id, linkCreatedBy: (await t.as(OWNER).get('/v1/me')).body.userId,
      email: person.email, firstName: person.firstName, lastName: person.lastName, userId: expect.any(String), requestedAt: res.body.requestedAt,
    });
    const entries = (await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/activity?type=JoinRequested&limit=20`)).body.items as Record<string, any>[];
    expect(entries.filter((e) => e.request.id === requestId)).toEqual([
      expect.objectContaining({ type: 'JoinRequested', actor: { userId: request!.userId, email: person.email }, request: { id: requestId, linkId: id, userId: request!.userId, email: person.email, firstName: person.firstName, lastName: person.lastName } }),
    ]);
  });

  it('is a request for a member of another domain too: no path skips approval', async () => {
    const { token } = await approvalLink();
    const { res } = await ask(token, { email: OTHER_OWNER, firstName: 'Olive', lastName: 'Other' });
    expect(res.status).toBe(202);
    expect(await membersWith(OTHER_OWNER)).toEqual([]);
    expect((await t.as(OTHER_OWNER).get('/v1/me')).body.memberships.map((m: { domainId: string }) => m.domainId)).toEqual(['other-studio']);
  });

  it('is checked as a join is before anything is recorded: a dead link, the email domains, a member, someone kept out', async () => {
    const revoked = await approvalLink();
    expect((await t.as(OWNER).delete(`/v1/domains/${DEMO_DOMAIN}/invite-links/${revoked.id}`)).status).toBe(204);
    const late = newPerson('late');
    expect(refusal((await ask(revoked.token, late)).res)).toEqual([410, 'LINK_REVOKED']);
    const elsewhere = await approvalLink(OWNER, { allowedEmailDomains: ['acme.test'] });
    expect(refusal((await ask(elsewhere.token)).res)).toEqual([403, 'EMAIL_DOMAIN_NOT_ALLOWED']);
    const { token } = await approvalLink();
    expect(refusal((await ask(token, { email: MANAGER, firstName: 'Max', lastName: 'Manager' })).res)).toEqual([409, 'ALREADY_MEMBER']);

    const kept = newPerson('kept-out');
    const joined = await when(t).join((await when(t).linkToken(OWNER)).token, kept);
    expect((await t.as(OWNER).delete(`${usersPath}/${joined.body.userId}`)).status).toBe(204);
    expect(refusal((await ask(token, kept)).res)).toEqual([403, 'REJOIN_BLOCKED']);

    // Nothing was recorded for any of them.
    const everyRequest = await listed(OWNER, '?limit=100');
    for (const who of [late.email, kept.email, MANAGER]) expect(everyRequest.map((r) => r.email)).not.toContain(who);
    expect((await t.as(late.email).get('/v1/me')).body.joinRequests).toEqual([]);
  });
});

describe('a decision', () => {
  it('declined: with who, when and why; asking again is JOIN_DECLINED; deciding again is REQUEST_DECIDED', async () => {
    const { token, id } = await approvalLink();
    const { person, requestId } = await ask(token);
    const declined = await decline(OWNER, requestId, { reason: 'Crew only this season' });
    expect(declined.status).toBe(200);
    const ownerId = (await t.as(OWNER).get('/v1/me')).body.userId;
    expect(declined.body).toMatchObject({ requestId, status: 'declined', linkId: id, decidedBy: { userId: ownerId, email: OWNER }, decidedAt: expect.any(String), reason: 'Crew only this season' });

    const again = await when(t).join(token, person);
    expect(again.status).toBe(403);
    expect(again.body).toMatchObject({ code: 'JOIN_DECLINED', detail: expect.stringContaining('Demo Media Co') });
    expect(refusal(await decline(OWNER, requestId))).toEqual([409, 'REQUEST_DECIDED']);
    expect(refusal(await approve(OWNER, requestId))).toEqual([409, 'REQUEST_DECIDED']);
    expect(await membersWith(person.email)).toEqual([]);
    expect((await t.as(person.email).get('/v1/me')).body.joinRequests).toEqual([expect.objectContaining({ requestId, status: 'declined', decidedAt: declined.body.decidedAt })]);
    expect((await listed(OWNER, '?status=declined&limit=100')).map((r) => r.requestId)).toContain(requestId);
    expect((await listed(OWNER, '?limit=100')).map((r) => r.requestId)).not.toContain(requestId);
  });

  it('approved: the person joins with exactly the link\'s grant and the use is counted; the join record names the approver; events on the bus', async () => {
    const from = ((await (await fetch(`${t.stack.url}/local/events`)).json()) as unknown[]).length;
    const { token, id } = await approvalLink(OWNER, { maxUses: 5, label: 'Freelancers' });
    const { person, requestId } = await ask(token);
    const approved = await approve(OWNER, requestId);
    expect(approved.status).toBe(200);
    const ownerId = (await t.as(OWNER).get('/v1/me')).body.userId;
    expect(approved.body).toMatchObject({
      email: person.email, firstName: person.firstName, lastName: person.lastName, userType: 'STANDARD', isAdmin: false,
      teamIds: ['producers', 'marketing'], roleGroupIds: ['contributors'], groupIds: ['archive'], primaryTeamId: 'producers',
      joinedVia: { linkId: id, label: 'Freelancers', invitedBy: { userId: ownerId, email: OWNER } },
    });
    const { userId } = approved.body;
    expect(await membersWith(person.email)).toHaveLength(1);
    expect(await useCountOf(id)).toBe(1);
    expect((await t.as(person.email).get('/v1/me')).body).toMatchObject({
      memberships: [expect.objectContaining({ domainId: DEMO_DOMAIN })],
      joinRequests: [expect.objectContaining({ requestId, status: 'approved' })],
    });
    expect(refusal(await approve(OWNER, requestId))).toEqual([409, 'REQUEST_DECIDED']);
    expect(refusal(await when(t).join(token, person))).toEqual([409, 'ALREADY_MEMBER']);

    const joins = (await activityItems(t.db, t.stack.tableName, DEMO_DOMAIN)).filter((i) => i.entityType === 'Join' && i.userId === userId);
    expect(joins).toEqual([expect.objectContaining({ linkId: id, approvedBy: { userId: ownerId, email: OWNER }, notifyCreator: false })]);

    const events = await eventually(
      async () => ((await (await fetch(`${t.stack.url}/local/events`)).json()) as { 'detail-type': string; detail: any }[]).slice(from).filter((e) => e.detail.request?.id === requestId || e.detail.member?.userId === userId),
      (found) => found.length >= 3,
      20_000,
    );
    expect(events.map((e) => e['detail-type']).sort()).toEqual(['JoinApproved', 'JoinRequested', 'MemberJoined']);
    assertEventSchemas(events);
    expect(events.find((e) => e['detail-type'] === 'JoinApproved')!.detail).toMatchObject({ actor: { userId: ownerId, email: OWNER }, request: { id: requestId, linkId: id, userId }, member: { userId, userType: 'STANDARD', teamIds: ['producers', 'marketing'] } });
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it('someone approved, removed and let back in asks again: a new pending request in its place', async () => {
    const { token } = await approvalLink();
    const { person, requestId, res } = await ask(token);
    const { body: member } = await approve(OWNER, requestId);
    expect((await t.as(OWNER).delete(`${usersPath}/${member.userId}?allowRejoin=true`)).status).toBe(204);
    const again = await ask(token, person);
    expect(again.res.status).toBe(202);
    expect(again.requestId).toBe(requestId);
    expect(again.res.body.requestedAt > res.body.requestedAt).toBe(true);
    expect(await isMember(member.userId)).toBe(false);
  });
});

/**
 * Approvals through one link by two clients, each one after another, and `kill` sent once the first
 * has landed, so approvals go on while it runs: whatever answered 200 was a member when the kill
 * returned, nobody became one after, every other approval got `refused`, and so does one asked after.
 */
async function approvalsRacing(kill: (linkId: string) => Promise<Reply>, refused: [number, string]) {
  const { token, id } = await approvalLink();
  const [keptBack, ...racers] = await Promise.all(Array.from({ length: 9 }, () => ask(token)));
  const userIds = await Promise.all(racers.map(({ requestId }) => userIdOf(requestId)));
  let underWay!: () => void;
  const started = new Promise<void>((resolve) => (underWay = resolve));
  const oneAfterAnother = async (part: typeof racers) => {
    const answers: Reply[] = [];
    for (const { requestId } of part) {
      answers.push(await approve(OWNER, requestId));
      underWay();
    }
    return answers;
  };
  const approvals = Promise.all([oneAfterAnother(racers.slice(0, 4)), oneAfterAnother(racers.slice(4))]).then(([a, b]) => [...a, ...b]);
  await started;
  expect((await answered(() => kill(id))).status).toBeLessThan(300);
  const atKill = await Promise.all(userIds.map(isMember));
  const answers = await approvals;
  expect(await Promise.all(userIds.map(isMember))).toEqual(atKill);
  answers.forEach((a, i) => expect(a.status === 200 ? [200, atKill[i]] : refusal(a)).toEqual(a.status === 200 ? [200, true] : refused));
  expect(answers.some((a) => a.status === 200)).toBe(true);
  expect(refusal(await approve(OWNER, keptBack!.requestId))).toEqual(refused);
  return { id, stillPending: [keptBack!, ...racers.filter((_, i) => answers[i]!.status !== 200)] };
}

describe('approvals at once', () => {
  it('of one request, by its creator and an admin several times over: exactly one membership, the others REQUEST_DECIDED', async () => {
    const { token } = await approvalLink(MANAGER, { ...GRANT, roleGroupIds: [], groupIds: [] });
    const asked = await Promise.all(Array.from({ length: 3 }, () => ask(token)));
    for (const { requestId } of asked) {
      const answers = await Promise.all([MANAGER, OWNER, MANAGER, OWNER].map((by) => approve(by, requestId)));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409]);
      expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'REQUEST_DECIDED')).toBe(true);
    }
    for (const { person } of asked) expect(await membersWith(person.email)).toHaveLength(1);
  });

  it('racing a revoke: none lands after the revoke returned, each is a member or LINK_REVOKED', async () => {
    const { id, stillPending } = await approvalsRacing((linkId) => t.as(OWNER).delete(`/v1/domains/${DEMO_DOMAIN}/invite-links/${linkId}`), [410, 'LINK_REVOKED']);
    // What is still pending says so in the list: it cannot be approved.
    expect((await listed(OWNER, `?inviteLinkId=${id}`)).map((r) => r.linkEnded)).toEqual(stillPending.map(() => 'LINK_REVOKED'));
  });

  it('racing "delete all existing links": none lands after it returned', async () => {
    await approvalsRacing(() => when(t).revokeAll(), [410, 'LINK_REVOKED']);
  });

  it('racing "pause all links": none lands after it returned, and the requests can be approved once links are resumed', async () => {
    const settings = `/v1/domains/${DEMO_DOMAIN}/settings/invite-links`;
    try {
      const { stillPending } = await approvalsRacing(() => t.as(OWNER).post(`${settings}/pause`, { hours: 1 }), [410, 'LINKS_PAUSED']);
      expect((await answered(() => t.as(OWNER).post(`${settings}/resume`))).status).toBe(200);
      for (const { requestId } of stillPending) expect((await approve(OWNER, requestId)).status).toBe(200);
    } finally {
      await answered(() => t.as(OWNER).post(`${settings}/resume`));
    }
  });

  it('keep maxUses exact: of many approvals through a link for three, exactly three join, the rest LINK_USED_UP', async () => {
    const { token, id } = await approvalLink(OWNER, { maxUses: 3 });
    const asked = await Promise.all(Array.from({ length: 8 }, () => ask(token)));
    expect(asked.every(({ res }) => res.status === 202)).toBe(true);
    const answers = await Promise.all(asked.map(({ requestId }) => approve(OWNER, requestId)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
    expect(answers.filter((a) => a.status !== 200).map(refusal)).toEqual(Array.from({ length: 5 }, () => [410, 'LINK_USED_UP']));
    expect((await t.as(OWNER).get(`${usersPath}?inviteLinkId=${id}`)).body.items).toHaveLength(3);
    // Used up: what is still pending says so, and asking is still recorded (used-up is the approval's to say).
    for (const r of (await listed(OWNER, `?inviteLinkId=${id}`))) expect(r.linkEnded).toBe('LINK_USED_UP');
    expect((await ask(token)).res.status).toBe(202);
  });
});

describe('who decides', () => {
  it('the creator who may invite and admins see and decide; another inviter sees none and is refused; a viewer is refused; another domain is 404', async () => {
    const { token, id } = await approvalLink(MANAGER, { ...GRANT, roleGroupIds: [], groupIds: [] });
    // Another inviter: someone in User Managers, with a link of their own.
    const other = newPerson('other-inviter');
    const { token: inviterToken } = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'editors', roleGroupIds: ['user-managers'] });
    const otherMember = await when(t).join(inviterToken, other);
    expect(otherMember.status).toBe(201);
    const own = await approvalLink(other.email, { ...GRANT, roleGroupIds: [], groupIds: [] });

    const { requestId } = await ask(token);
    const { requestId: ownRequest } = await ask(own.token);
    expect((await listed(MANAGER, '?limit=100')).map((r) => r.requestId)).toContain(requestId);
    expect((await listed(MANAGER, '?limit=100')).map((r) => r.requestId)).not.toContain(ownRequest);
    expect((await listed(OWNER, '?limit=100')).map((r) => r.requestId)).toEqual(expect.arrayContaining([requestId, ownRequest]));
    expect((await listed(other.email, '?limit=100')).map((r) => r.requestId)).toEqual([ownRequest]);
    expect((await listed(other.email, `?inviteLinkId=${id}`))).toEqual([]);

    expect(refusal(await approve(other.email, requestId))).toEqual([403, 'FORBIDDEN']);
    expect(refusal(await decline(other.email, requestId))).toEqual([403, 'FORBIDDEN']);
    expect(refusal(await list(VIEWER))).toEqual([403, 'FORBIDDEN']);
    expect(refusal(await approve(VIEWER, requestId))).toEqual([403, 'FORBIDDEN']);
    expect(refusal(await list(OTHER_OWNER))).toEqual([404, 'NOT_FOUND']);
    expect(refusal(await approve(OTHER_OWNER, requestId))).toEqual([404, 'NOT_FOUND']);
    expect(refusal(await approve(OWNER, 'A'.repeat(22)))).toEqual([404, 'NOT_FOUND']);
    expect((await approve(MANAGER, requestId)).status).toBe(200);

    // A creator who may no longer invite decides nothing, even through their own link (which stopped working with their authority).
    expect((await t.as(OWNER).patch(`${usersPath}/${otherMember.body.userId}`, { roleGroupIds: [] })).status).toBe(200);
    expect(refusal(await decline(other.email, ownRequest))).toEqual([403, 'FORBIDDEN']);
    expect((await listed(OWNER, `?inviteLinkId=${own.id}`))[0]).toMatchObject({ requestId: ownRequest, linkEnded: 'LINK_REVOKED' });
    expect(refusal(await approve(OWNER, ownRequest))).toEqual([410, 'LINK_REVOKED']);
  });
});

describe('the list', () => {
  it('filters by status and link, newest first, a page at a time; a cursor holds for its own filter', async () => {
    const { token, id } = await approvalLink();
    const asked: string[] = [];
    for (let i = 0; i < 5; i++) asked.push((await ask(token)).requestId);
    await decline(OWNER, asked[0]!);
    await approve(OWNER, asked[1]!);
    const pending = asked.slice(2).reverse();
    const first = await list(OWNER, `?inviteLinkId=${id}&limit=2`);
    expect(first.body.items.map((r: { requestId: string }) => r.requestId)).toEqual(pending.slice(0, 2));
    const second = await list(OWNER, `?inviteLinkId=${id}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((r: { requestId: string }) => r.requestId)).toEqual(pending.slice(2));
    expect(second.body.nextCursor).toBeUndefined();
    expect((await listed(OWNER, `?inviteLinkId=${id}&status=declined`)).map((r) => r.requestId)).toEqual([asked[0]]);
    expect((await listed(OWNER, `?inviteLinkId=${id}&status=approved`)).map((r) => [r.requestId, r.status])).toEqual([[asked[1], 'approved']]);
    expect((await list(OWNER, `?status=declined&cursor=${first.body.nextCursor}`)).body).toMatchObject({ status: 400, field: 'cursor' });
  });

  it('refuses bad input with 400 naming the field, and changes nothing', async () => {
    const { token } = await approvalLink();
    const { requestId } = await ask(token);
    expect((await list(OWNER, '?status=maybe')).body).toMatchObject({ status: 400, field: 'status' });
    expect((await list(OWNER, '?inviteLinkId=short')).body).toMatchObject({ status: 400, field: 'inviteLinkId' });
    expect((await list(OWNER, '?limit=0')).body).toMatchObject({ status: 400, field: 'limit' });
    expect((await t.as(OWNER).post(`${requestsPath}/not-an-id/approve`)).body).toMatchObject({ status: 400, field: 'requestId' });
    expect((await t.as(OWNER).post(`${requestsPath}/${requestId}/decline`, { reason: 'x'.repeat(501) })).body).toMatchObject({ status: 400, field: 'reason' });
    expect((await t.as(OWNER).post(`${requestsPath}/${requestId}/decline`, { reason: '<b>no</b>' })).body).toMatchObject({ status: 400, field: 'reason' });
    expect((await t.as(OWNER).post(`${requestsPath}/${requestId}/decline`, { why: 'no' })).body).toMatchObject({ status: 400, field: 'why' });
    expect((await t.as(OWNER).post(`${requestsPath}/${requestId}/approve`, { now: true })).body).toMatchObject({ status: 400, field: 'body' });
    expect((await when(t).createLink(OWNER, { ...GRANT, requireApproval: 'yes' })).body).toMatchObject({ status: 400, field: 'requireApproval' });
    expect((await t.as(OWNER).post(`/v1/domains/${DEMO_DOMAIN}/invite-links/onboarding`, { requireApproval: true })).body).toMatchObject({ status: 400, field: 'requireApproval' });
    expect((await listed(OWNER, '?limit=100')).find((r) => r.requestId === requestId)).toMatchObject({ status: 'pending' });
  });
});
