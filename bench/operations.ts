/**
 * The operations the bench measures, each two ways: through the front door (HTTP, middy,
 * validation, handler) and as the same DynamoDB calls made directly through the Store.
 */
import { randomUUID } from 'node:crypto';
import { asInviter, asMember } from '../shared/service/access.ts';
import { createInviteLink } from '../shared/service/create-link.ts';
import { joinWithToken } from '../shared/service/join.ts';
import { countVisit } from '../shared/service/link-stats.ts';
import { activity } from '../shared/contract/activity.ts';
import { linkIdOf } from '../shared/domain/invite-link.ts';
import type { Store } from '../shared/store/store.ts';
import { benchPerson, tokenOf, type ApiReply, type BenchPerson, type localApi } from './local-api.ts';

export const DOMAIN = 'demo-media-co';
const OWNER_ID = 'u-demo-owner';
const OWNER = 'owner@demo.test';
const OWNER_ACTOR = { userId: OWNER_ID, email: OWNER };
const base = `/v1/domains/${DOMAIN}`;
const grant = { userType: 'STANDARD' as const, primaryTeamId: 'producers', additionalTeamIds: ['marketing'], roleGroupIds: ['contributors'], groupIds: [] };

export interface Operation<C = unknown> {
  name: string;
  expect: number;
  /** Untimed: whatever one iteration needs (a fresh link, links switched back on). */
  prepare(): Promise<C>;
  api(ctx: C): Promise<ApiReply>;
  direct(ctx: C): Promise<unknown>;
}

export async function operations(api: ReturnType<typeof localApi>, store: Store): Promise<Operation<any>[]> {
  // Imported once the stack has told the functions their key, as a cold start would be.
  const { tokenVault } = await import('../shared/store/kms/token-vault.ts');
  const { linkStats } = await import('../shared/store/dynamodb/index.ts');
  const owner = await api.as(OWNER);
  const newLink = async () => {
    const res = await owner('POST', `${base}/invite-links`, grant);
    if (res.status !== 201) throw new Error(`bench could not create a link: ${res.status} ${JSON.stringify(res.body)}`);
    return { token: tokenOf(res.body.url), id: res.body.id as string };
  };
  const enabled = async () => {
    await owner('PUT', `${base}/settings/invite-links`, { enabled: true });
  };
  let joinLink: { token: string; id: string } | undefined;
  let created = 0;
  const sharedLink = async () => (joinLink ??= await newLink());

  return [
    {
      name: 'create',
      expect: 201,
      prepare: async () => {
        // One person may have 100 live links (linkQuota): a delete-all now and then, untimed, keeps the owner under it.
        if (++created % 40 === 0) {
          await owner('POST', `${base}/invite-links/revoke-all`);
          joinLink = undefined;
        }
        await enabled();
      },
      api: () => owner('POST', `${base}/invite-links`, grant),
      direct: () => createInviteLink(store, tokenVault, OWNER_ID, DOMAIN, () => grant, false),
    },
    {
      name: 'lookup',
      expect: 200,
      prepare: sharedLink,
      api: (link: { token: string }) => api.call('POST', '/v1/join/lookup', { token: link.token }),
      // As functions/lookup-invite-link.ts reads: the link, then the creator's membership with the domain and its
      // directory in one BatchGetItem, then the use count only for a link with a use limit (the bench's has none); beside
      // them the browser's visit mark for the link's stats (one conditional PutItem: 1 WCU, whether or not it is new today).
      direct: async (link: { token: string }) => {
        const found = (await store.getInviteLink(linkIdOf(link.token)))!;
        const visit = countVisit(linkStats, found, 'view', { address: '192.0.2.1', userAgent: 'bench' }, new Date());
        const access = await store.getAccess(found.createdBy, found.domainId);
        if (found.maxUses !== undefined) await store.useCount(found);
        await visit;
        return access;
      },
    },
    {
      name: 'join',
      expect: 201,
      prepare: async () => {
        const person = benchPerson('join');
        // Sign-in happens before the join and is not what is measured.
        await api.tokenFor(person.email, { givenName: person.firstName, familyName: person.lastName });
        return { ...(await sharedLink()), person };
      },
      api: (c: { token: string; person: BenchPerson }) => api.join(c.token, c.person),
      direct: (c: { token: string; person: BenchPerson }) =>
        joinWithToken(store, c.token, { ...c.person, userId: `direct-${randomUUID()}`, email: c.person.email.replace('bench-', 'direct-') }, new Date()),
    },
    {
      name: 'list',
      expect: 200,
      prepare: async () => undefined,
      api: () => owner('GET', `${base}/invite-links`),
      direct: async () => {
        const { directory } = await asInviter(store, OWNER_ID, DOMAIN);
        return store.listInviteLinks(directory.domain, new Date(), { limit: 50 });
      },
    },
    {
      name: 'revoke-one',
      expect: 204,
      prepare: newLink,
      api: (link: { id: string }) => owner('DELETE', `${base}/invite-links/${link.id}`),
      direct: async (link: { id: string }) => {
        await asMember(store, OWNER_ID, DOMAIN);
        const found = await store.getInviteLink(link.id);
        const at = new Date().toISOString();
        return store.revokeInviteLink(found!, at, activity.linkRevoked(found!, OWNER_ACTOR, at));
      },
    },
    {
      name: 'delete-all',
      expect: 200,
      prepare: async () => void (joinLink = undefined),
      api: () => owner('POST', `${base}/invite-links/revoke-all`),
      direct: () => {
        const at = new Date().toISOString();
        return store.revokeAllInviteLinks(DOMAIN, OWNER_ID, at, activity.allRevoked(DOMAIN, OWNER_ACTOR, at));
      },
    },
    {
      name: 'disable',
      expect: 200,
      prepare: async () => {
        joinLink = undefined;
        await enabled();
      },
      api: () => owner('PUT', `${base}/settings/invite-links`, { enabled: false }),
      direct: async () => {
        const at = new Date().toISOString();
        await store.updateInviteLinkSettings(DOMAIN, { enabled: false }, OWNER_ID, at, activity.linksSwitched(DOMAIN, false, OWNER_ACTOR, at));
        // The handler reads back what the write left.
        return store.getDirectory(DOMAIN);
      },
    },
  ];
}
