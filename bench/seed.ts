/**
 * Test data written straight to the table with BatchWriteItem, from the service's own item
 * builders (shared/store/dynamodb/items.ts): domains the bench owns, members and links by the thousand.
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newInvitation, newInvitationId } from '../shared/domain/invitation.ts';
import { linkIdOf, newLinkToken } from '../shared/domain/invite-link.ts';
import { requestIdOf } from '../shared/domain/join-request.ts';
import { joinRequested } from '../shared/contract/activity.ts';
import type { Directory, Domain, InviteLink, JoinRequest, Membership, PauseAfter } from '../shared/domain/types.ts';
import { items, type Item } from '../shared/store/dynamodb/items.ts';
import { countersFor } from '../shared/store/dynamodb/table.ts';
import type { TokenVault } from '../shared/store/token-vault.ts';
import { pool } from './stats.ts';

/** The demo owner (local/demo-data.ts): the bench signs in as them and makes them admin of every bench domain. */
export const OWNER = { userId: 'u-demo-owner', email: 'owner@demo.test', firstName: 'Olivia', lastName: 'Owner' } as const;

const DAY_MS = 86_400_000;

export function seeder(db: DynamoDBDocumentClient, table: string) {
  /**
   * Every item once, 25 to a request, a few requests in flight. As a bulk load must in AWS, it
   * backs off when a partition is over its throughput (the local stack emulates those limits:
   * thousands of a domain's links share its index partition): unprocessed items are sent again
   * after a growing wait, and a request throttled whole is sent again after one too.
   */
  async function write(all: Item[], inFlight = 4): Promise<void> {
    const batches = Array.from({ length: Math.ceil(all.length / 25) }, (_, i) => all.slice(i * 25, i * 25 + 25));
    await pool(batches, inFlight, async (batch) => {
      let request: Record<string, { PutRequest: { Item: Item } }[]> | undefined = { [table]: batch.map((Item) => ({ PutRequest: { Item } })) };
      for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
        try {
          request = (await db.send(new BatchWriteCommand({ RequestItems: request }))).UnprocessedItems as typeof request;
        } catch (error) {
          if ((error as Error).name !== 'ThrottlingException') throw error;
        }
      }
    });
  }

  return {
    write,
    /** A domain with links on, its 16 gates, the demo directory's teams and role groups, and the owner as its admin. */
    async domain(domainId: string): Promise<void> {
      const directory: Directory = {
        domain: { domainId, name: `Bench ${domainId}`, defaultTeamId: 'editors', linksEnabled: true, linkGeneration: 0 },
        teams: [
          { id: 'editors', name: 'Editors' },
          { id: 'producers', name: 'Producers' },
        ],
        roleGroups: [{ id: 'contributors', name: 'Contributors', permissions: [] }],
        groups: [],
      };
      const owner: Membership = { ...OWNER, domainId, userType: 'POWER', isAdmin: true, teamIds: ['editors'], roleGroupIds: [], groupIds: [], createdAt: new Date().toISOString() };
      await write([
        items.domain(directory.domain),
        ...items.domainGates(directory.domain),
        items.directory(directory),
        items.membership(owner),
        items.memberEmail(domainId, owner.email, owner.userId),
      ]);
    },
    /** `count` people removed from the domain and kept out, as a removal leaves them; their emails. */
    async removedMembers(domainId: string, count: number, tag: string): Promise<string[]> {
      const removedAt = new Date().toISOString();
      const people = Array.from({ length: count }, (_, i) => ({
        userId: `bench-${tag}-${i}`,
        email: `removed-${String(i).padStart(6, '0')}@${tag}.example.test`,
        firstName: 'Bench',
        lastName: `Removed ${i}`,
        removedAt,
        removedBy: OWNER.userId,
      }));
      await write(people.map((p) => items.removedMember(domainId, p)));
      return people.map((p) => p.email);
    },
    /** `count` members, each with its membership and its claim on the email, as a join writes them. */
    async members(domainId: string, count: number, tag = domainId): Promise<void> {
      const at = new Date().toISOString();
      await write(
        Array.from({ length: count }, (_, i) => {
          const m: Membership = {
            userId: `bench-${tag}-${i}`,
            domainId,
            email: `member-${String(i).padStart(6, '0')}@${tag}.example.test`,
            firstName: 'Bench',
            lastName: `Member ${i}`,
            userType: 'STANDARD',
            isAdmin: false,
            teamIds: ['editors'],
            roleGroupIds: [],
            groupIds: [],
            joinedVia: { linkId: 'seeded', at },
            createdAt: at,
          };
          return [items.membership(m), items.memberEmail(domainId, m.email, m.userId)];
        }).flat(),
      );
    },
    /** `count` links of the domain's generation, live unless `revoked`, each with its use counters unless told not to (and its sealed token, `sealWith` a vault); returns their tokens and ids, newest last. */
    async links(
      domainId: string,
      count: number,
      { generation = 0, counters = true, sealWith, pauseAfter, revoked = false }: { generation?: number; counters?: boolean; sealWith?: TokenVault; pauseAfter?: PauseAfter; revoked?: boolean } = {},
    ): Promise<{ token: string; id: string; counters: number }[]> {
      const now = Date.now();
      const made = Array.from({ length: count }, (_, i) => {
        const token = newLinkToken();
        const createdAt = new Date(now - (count - i)).toISOString();
        const link: InviteLink = {
          linkId: linkIdOf(token),
          domainId,
          userType: 'STANDARD',
          primaryTeamId: 'editors',
          additionalTeamIds: [],
          roleGroupIds: [],
          groupIds: [],
          createdBy: OWNER.userId,
          createdByEmail: OWNER.email,
          createdAt,
          expiresAt: new Date(now + DAY_MS).toISOString(),
          generation,
          onboarding: false,
          allowedEmailDomains: [],
          notifyCreator: true,
          // As the service makes a link with no maxUses: a crowd's counters.
          counters: countersFor(undefined),
          ...(pauseAfter ? { pauseAfter } : {}),
          ...(revoked ? { revokedAt: new Date(now).toISOString() } : {}),
        };
        return { token, link, items: [items.inviteLink(link), ...(counters ? items.linkCounters(link) : [])] };
      });
      if (sealWith) for (const m of made) m.items.push(items.linkToken(m.link, await sealWith.seal(m.token, m.link)));
      await write(made.flatMap((m) => m.items));
      return made.map(({ token, link }) => ({ token, id: link.linkId, counters: link.counters! }));
    },
    /** `count` pending join requests through the owner's link `linkId`, each from its own person (`tag`), each with its activity entry; returns their ids. */
    async joinRequests(domainId: string, linkId: string, count: number, tag: string): Promise<string[]> {
      const requestedAt = new Date().toISOString();
      const made: JoinRequest[] = Array.from({ length: count }, (_, i) => {
        const email = `bench-${tag}-${i}@example.test`;
        return {
          requestId: requestIdOf(linkId, email), domainId, domainName: `Bench ${domainId}`, linkId,
          linkCreatedBy: OWNER.userId, linkCreatedByEmail: OWNER.email, linkExpiresAt: new Date(Date.now() + DAY_MS).toISOString(),
          userId: `bench-${tag}-${i}`, email, firstName: 'Bench', lastName: `Asker ${i}`, status: 'pending', requestedAt,
        };
      });
      await write(made.flatMap((request) => [items.joinRequest(request), items.activity(joinRequested(request, randomUUID()))]));
      return made.map((request) => request.requestId);
    },
    /** `count` pending invitations by email from the owner, each to its own address (`tag`), with their token and address items; returns their ids. */
    async invitations(domainId: string, count: number, tag: string): Promise<string[]> {
      const now = new Date();
      const made = Array.from({ length: count }, (_, i) =>
        newInvitation(
          { invitationId: newInvitationId(), tokenHash: linkIdOf(newLinkToken()), email: `bench-${tag}-${i}@example.test`, grant: { userType: 'STANDARD', primaryTeamId: 'editors', additionalTeamIds: [], roleGroupIds: [], groupIds: [] }, lifetimeSeconds: DAY_MS / 1000 },
          { userId: OWNER.userId, email: OWNER.email } as Membership,
          { domainId } as Domain,
          now,
        ),
      );
      await write(made.flatMap((invitation) => [items.invitation(invitation), items.invitationToken(invitation), items.invitationAddress(invitation)]));
      return made.map((invitation) => invitation.invitationId);
    },
  };
}
