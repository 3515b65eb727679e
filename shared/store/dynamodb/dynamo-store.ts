/** The Store port over one DynamoDB table. Item layout: docs/data-model.md. */
import { randomInt } from 'node:crypto';
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { LinkQuota } from '../../domain/link-quota.ts';
import type { Directory, Domain, InviteLink, Membership, RemovedMember, User } from '../../domain/types.ts';
import { UnknownPosition, type AdminWriteOutcome, type InviteLinkSettingsChange, type JoinOutcome, type MemberChangeOutcome, type NewMember, type Page, type PageRequest, type Store } from '../store.ts';
import { creatorGenerationAttribute, linkStatus } from '../../domain/invite-link.ts';
import { dataOf, keys, listPositions } from './keys.ts';
import { ENTITY, SHARDS, TABLE } from './table.ts';
import { retryingConflicts } from './conflicts.ts';
import { joinInOneTransaction } from './join.ts';
import { failedItem, reasonCodes } from './cancellation.ts';
import { items } from './items.ts';
import type { ActivityEntry } from '../../contract/event-schemas.ts';
import { activityOfItem } from './activity-items.ts';

/** One change to the domain item, or to each of its gates. */
interface DomainUpdate {
  UpdateExpression: string;
  /** Besides the domain existing; refused with an existing domain: 'unchanged'. */
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A filtered list reads at most this many items per request, so a sparse filter cannot make one request read a whole domain. */
const MAX_READ_PER_PAGE = 1000;

export class DynamoStore implements Store {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getDirectory(domainId: string): Promise<Directory | undefined> {
    const items = await this.queryAll({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      ExpressionAttributeValues: { ':pk': keys.domainPartition(domainId) },
      ConsistentRead: true,
    });
    return directoryOf(items);
  }

  async getAccess(userId: string, domainId: string, also: { linkQuota?: boolean } = {}): Promise<{ membership?: Membership; directory?: Directory; linkQuota?: LinkQuota }> {
    const wanted = [keys.membership(userId, domainId), keys.domain(domainId), keys.directory(domainId), ...(also.linkQuota ? [keys.linkQuota(domainId, userId)] : [])];
    let request: BatchGetCommandInput['RequestItems'] = { [this.table]: { Keys: wanted, ConsistentRead: true } };
    const found: Record<string, unknown>[] = [];
    while (request && Object.keys(request).length > 0) {
      const page: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: request }));
      found.push(...(page.Responses?.[this.table] ?? []));
      request = page.UnprocessedKeys;
    }
    const membership = found.find((i) => i.entityType === ENTITY.Membership);
    const quota = found.find((i) => i.entityType === ENTITY.LinkQuota);
    return { membership: membership && dataOf<Membership>(membership), directory: directoryOf(found), ...(quota ? { linkQuota: dataOf<LinkQuota>(quota) } : {}) };
  }

  async getUser(userId: string): Promise<{ user: User; memberships: Membership[] } | undefined> {
    const items = await this.queryAll({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      ExpressionAttributeValues: { ':pk': keys.userPartition(userId) },
      ConsistentRead: true,
    });
    const userItem = items.find((i) => i.entityType === ENTITY.User);
    if (!userItem) return undefined;
    return {
      user: dataOf<User>(userItem),
      memberships: items.filter((i) => i.entityType === ENTITY.Membership).map((i) => dataOf<Membership>(i)),
    };
  }

  async listMembers(domainId: string, page: PageRequest & { inviteLinkId?: string }): Promise<Page<Membership>> {
    startsInList(page, listPositions.members, domainId);
    const index = TABLE.byDomainIndex;
    const { inviteLinkId } = page;
    const found = await this.queryPage(page, {
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey, ...(inviteLinkId ? { '#via': 'joinedVia', '#link': 'linkId' } : {}) },
      ExpressionAttributeValues: { ':pk': keys.domainPartition(domainId), ':prefix': keys.membersPrefix, ...(inviteLinkId ? { ':link': inviteLinkId } : {}) },
      ...(inviteLinkId ? { FilterExpression: '#via.#link = :link' } : {}),
    });
    return { items: found.items.map((i) => dataOf<Membership>(i)), next: found.next };
  }

  createInviteLink(link: InviteLink, quota: LinkQuota, activity: ActivityEntry): Promise<'created' | 'links-disabled' | 'generation-moved' | 'quota-moved'> {
    return retryingConflicts(() => this.createInviteLinkOnce(link, quota, activity));
  }

  /** Checks one random gate, like a join, so concurrent creations and joins rarely share an item. */
  private async createInviteLinkOnce(link: InviteLink, quota: LinkQuota, activity: ActivityEntry): Promise<'created' | 'links-disabled' | 'generation-moved' | 'quota-moved'> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.table,
                Key: keys.domainGate(link.domainId, randomInt(SHARDS.domainGates)),
                ConditionExpression: `linksEnabled = :on AND linkGeneration = :generation AND ${(link.creatorGeneration ?? 0) === 0 ? '(attribute_not_exists(#creator) OR #creator = :cg)' : '#creator = :cg'}`,
                ExpressionAttributeNames: { '#creator': creatorGenerationAttribute(link.createdBy) },
                ExpressionAttributeValues: { ':on': true, ':generation': link.generation, ':cg': link.creatorGeneration ?? 0 },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: { ...keys.linkQuota(link.domainId, link.createdBy), entityType: ENTITY.LinkQuota, ...quota },
                ConditionExpression: 'attribute_not_exists(#pk) OR version = :read',
                ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
                ExpressionAttributeValues: { ':read': quota.version - 1 },
              },
            },
            ...[items.inviteLink(link), items.linkExpiry(link), items.activity(activity), ...items.linkCounters(link)].map((Item) => ({
              Put: {
                TableName: this.table,
                Item,
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
              },
            })),
          ],
        }),
      );
      return 'created';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      if (reasonCodes(error)[1] === 'ConditionalCheckFailed') return 'quota-moved';
      if (reasonCodes(error)[0] !== 'ConditionalCheckFailed') throw error;
      const gate = failedItem<Pick<Domain, 'linksEnabled'>>(error, 0);
      if (!gate) throw error;
      return gate.linksEnabled ? 'generation-moved' : 'links-disabled';
    }
  }

  async getInviteLink(linkId: string): Promise<InviteLink | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.link(linkId), ConsistentRead: true }));
    return Item ? dataOf<InviteLink>(Item) : undefined;
  }

  async getLinkExpiry(linkId: string): Promise<{ domainId: string; expiresAt: string } | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.linkExpiry(linkId) }));
    return Item ? { domainId: String(Item.domainId), expiresAt: String(Item.expiresAt) } : undefined;
  }

  async listInviteLinks(domain: Domain, now: Date, page: PageRequest): Promise<Page<InviteLink & { useCount: number }>> {
    startsInList(page, listPositions.links, domain.domainId);
    const live = keys.linksOfGeneration(domain.linkGeneration);
    // A cursor from before a delete-all points into a dead generation: every link there is dead.
    if (!domain.linksEnabled || (page.after && !page.after[TABLE.byDomainIndex.sortKey]?.startsWith(live))) return { items: [] };
    const index = TABLE.byDomainIndex;
    const found = await this.queryPage(page, {
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      FilterExpression: 'expiresAt > :now AND attribute_not_exists(revokedAt)',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      ExpressionAttributeValues: { ':pk': keys.domainPartition(domain.domainId), ':prefix': live, ':now': now.toISOString() },
      ScanIndexForward: false,
    });
    const links = found.items.map((i) => dataOf<InviteLink>(i));
    const counts = await this.useCounts(links.map((l) => l.linkId));
    return { items: links.map((link) => ({ ...link, useCount: counts.get(link.linkId) ?? 0 })), next: found.next };
  }

  async listActivity(domainId: string, page: PageRequest & { types?: string[] }): Promise<Page<ActivityEntry>> {
    startsInList(page, listPositions.activity, domainId);
    const { types } = page;
    const found = await this.queryPage(page, {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, ...(types ? { '#type': 'type' } : {}) },
      ExpressionAttributeValues: { ':pk': keys.activityPartition(domainId), ...Object.fromEntries((types ?? []).map((t, i) => [`:t${i}`, t])) },
      ...(types ? { FilterExpression: `#type IN (${types.map((_, i) => `:t${i}`).join(', ')})` } : {}),
      ScanIndexForward: false,
    });
    return { items: found.items.map(activityOfItem), next: found.next };
  }

  async countActiveLinks(domain: Domain, now: Date): Promise<number> {
    if (!domain.linksEnabled) return 0;
    const index = TABLE.byDomainIndex;
    // Only what the status needs; the creator's generation cannot be a filter (one attribute per creator).
    const found = await this.queryAll({
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      FilterExpression: 'expiresAt > :now AND attribute_not_exists(revokedAt)',
      ProjectionExpression: 'linkId, createdBy, creatorGeneration, generation, expiresAt',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      ExpressionAttributeValues: { ':pk': keys.domainPartition(domain.domainId), ':prefix': keys.linksOfGeneration(domain.linkGeneration), ':now': now.toISOString() },
    });
    return found.filter((link) => linkStatus(link as unknown as InviteLink, domain, now) === 'ACTIVE').length;
  }

  /** A link's use count is the sum of its counters: one BatchGetItem per 100 counters. */
  private async useCounts(linkIds: string[]): Promise<Map<string, number>> {
    const counters = linkIds.flatMap((id) => Array.from({ length: SHARDS.linkCounters }, (_, shard) => keys.linkCounter(id, shard)));
    const counts = new Map<string, number>();
    // A view, not a decision: eventually consistent reads at half the price.
    const found = await this.batchGet(counters, false);
    for (const counter of found) counts.set(counter.linkId as string, (counts.get(counter.linkId as string) ?? 0) + Number(counter.useCount ?? 0));
    return counts;
  }

  revokeInviteLink(link: InviteLink, at: string, activity: ActivityEntry): Promise<void> {
    const revoke = { UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)', ExpressionAttributeValues: { ':at': at } };
    const targets = [keys.link(link.linkId), ...Array.from({ length: SHARDS.linkCounters }, (_, shard) => keys.linkCounter(link.linkId, shard))];
    const send = (releaseQuota: boolean) =>
      this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            ...targets.map((Key) => ({ Update: { TableName: this.table, Key, ...revoke } })),
            // The revoked link no longer counts against its creator's quota.
            ...(releaseQuota
              ? [
                  {
                    Update: {
                      TableName: this.table,
                      Key: keys.linkQuota(link.domainId, link.createdBy),
                      UpdateExpression: 'REMOVE active.#link SET version = version + :one',
                      ConditionExpression: 'attribute_exists(active)',
                      ExpressionAttributeNames: { '#link': link.linkId },
                      ExpressionAttributeValues: { ':one': 1 },
                    },
                  },
                ]
              : []),
            { Put: { TableName: this.table, Item: items.activity(activity) } },
          ],
        }),
      );
    return retryingConflicts(async () => {
      try {
        await send(true);
      } catch (error) {
        // A creator with no quota record (links made before quotas were kept): revoke all the same.
        if (!(error instanceof TransactionCanceledException) || reasonCodes(error)[targets.length] !== 'ConditionalCheckFailed') throw error;
        await send(false);
      }
    });
  }

  revokeAllInviteLinks(domainId: string, adminUserId: string, at: string, activity: ActivityEntry, createdBy?: string): Promise<AdminWriteOutcome> {
    if (createdBy !== undefined) {
      // Only one person's links: their generation moves, on the domain and every gate, in one write.
      const bump = {
        UpdateExpression: 'SET #creator = if_not_exists(#creator, :zero) + :one',
        ExpressionAttributeNames: { '#creator': creatorGenerationAttribute(createdBy) },
        ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
      };
      return this.adminWrite(domainId, adminUserId, bump, bump, activity, [this.quotaFreed(domainId, createdBy)]);
    }
    return this.adminWrite(
      domainId,
      adminUserId,
      { UpdateExpression: 'ADD linkGeneration :one SET linksRevokedAt = :at, linksRevokedBy = :by', ExpressionAttributeValues: { ':one': 1, ':at': at, ':by': adminUserId } },
      { UpdateExpression: 'ADD linkGeneration :one', ExpressionAttributeValues: { ':one': 1 } },
      activity,
    );
  }

  async updateInviteLinkSettings(domainId: string, change: InviteLinkSettingsChange, adminUserId: string, at: string, switched?: ActivityEntry): Promise<AdminWriteOutcome> {
    // What joins check is copied onto every gate in the same transaction.
    const gate: string[] = [];
    const values: Record<string, unknown> = {};
    if (change.enabled !== undefined) {
      gate.push('linksEnabled = :enabled');
      values[':enabled'] = change.enabled;
    }
    if (change.allowedEmailDomains !== undefined) {
      gate.push('allowedEmailDomains = :domains');
      values[':domains'] = change.allowedEmailDomains;
    }
    // Turning links off also moves the generation, so turning them on again revives nothing.
    const moveGeneration = change.enabled === false ? ' ADD linkGeneration :one' : '';
    if (moveGeneration) values[':one'] = 1;
    // When links went off, so a link that died then is not reported as deleted.
    const disabledAt = change.enabled === false ? ['linksDisabledAt = :at'] : [];
    const write = (activity: ActivityEntry | undefined) =>
      this.adminWrite(
        domainId,
        adminUserId,
        {
          UpdateExpression: `SET ${[...gate, ...disabledAt, 'settingsUpdatedAt = :at', 'settingsUpdatedBy = :by'].join(', ')}${moveGeneration}`,
          ExpressionAttributeValues: { ...values, ':at': at, ':by': adminUserId },
          // The switch's event is written only with a switch that moves.
          ...(activity ? { ConditionExpression: 'attribute_exists(#pk) AND linksEnabled <> :enabled' } : {}),
        },
        { UpdateExpression: `SET ${gate.join(', ')}${moveGeneration}`, ExpressionAttributeValues: values },
        activity,
      );
    if (!switched) return write(undefined);
    const outcome = await write(switched);
    return outcome === 'unchanged' ? write(undefined) : outcome;
  }

  async useCount(linkId: string): Promise<number> {
    return (await this.useCounts([linkId])).get(linkId) ?? 0;
  }

  async getMembership(userId: string, domainId: string): Promise<Membership | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.membership(userId, domainId), ConsistentRead: true }));
    return Item ? dataOf<Membership>(Item) : undefined;
  }

  changeMember(before: Membership, after: Membership | undefined, endLinks: boolean, adminUserId: string, activity: ActivityEntry, keepOut?: RemovedMember): Promise<MemberChangeOutcome> {
    return retryingConflicts(() => this.changeMemberOnce(before, after, endLinks, adminUserId, activity, keepOut));
  }

  async listRemovedMembers(domainId: string, page: PageRequest): Promise<Page<RemovedMember>> {
    startsInList(page, listPositions.removedMembers, domainId);
    const index = TABLE.byDomainIndex;
    const found = await this.queryPage(page, {
      IndexName: index.name,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
      ExpressionAttributeValues: { ':pk': keys.domainPartition(domainId), ':prefix': keys.removedPrefix },
    });
    return { items: found.items.map(removedMemberOf), next: found.next };
  }

  async getRemovedMember(domainId: string, email: string): Promise<RemovedMember | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.memberEmail(domainId, email), ConsistentRead: true }));
    return Item?.rejoinBlocked === true ? removedMemberOf(Item) : undefined;
  }

  async allowRejoin(removed: RemovedMember, domainId: string, adminUserId: string, activity: ActivityEntry): Promise<AdminWriteOutcome | 'changed'> {
    const adminCheck = { TableName: this.table, Key: keys.membership(adminUserId, domainId), ConditionExpression: 'isAdmin = :yes', ExpressionAttributeValues: { ':yes': true }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { ConditionCheck: adminCheck },
            // The claim goes only as it was read: a person removed again meanwhile is another removal.
            { Delete: { TableName: this.table, Key: keys.memberEmail(domainId, removed.email), ConditionExpression: 'rejoinBlocked = :yes AND removedAt = :at', ExpressionAttributeValues: { ':yes': true, ':at': removed.removedAt } } },
            { Put: { TableName: this.table, Item: items.activity(activity) } },
          ],
        }),
      );
      return 'done';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [caller, claim] = reasonCodes(error);
      if (caller === 'ConditionalCheckFailed') return failedItem(error, 0) ? 'not-admin' : 'not-member';
      if (claim === 'ConditionalCheckFailed') return 'changed';
      throw error;
    }
  }

  private async changeMemberOnce(before: Membership, after: Membership | undefined, endLinks: boolean, adminUserId: string, activity: ActivityEntry, keepOut?: RemovedMember): Promise<MemberChangeOutcome> {
    const { domainId, userId } = before;
    const self = adminUserId === userId;
    const adminDelta = (after?.isAdmin ? 1 : 0) - (before.isAdmin ? 1 : 0);
    const read = before.version ?? 0;
    // An admin editing themself: their own admin check rides on the membership write (an item appears once per transaction).
    const unchanged = {
      ConditionExpression: `attribute_exists(#pk) AND ((attribute_not_exists(version) AND :read = :zero) OR version = :read)${self ? ' AND isAdmin = :yes' : ''}`,
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
      ExpressionAttributeValues: { ':read': read, ':zero': 0, ...(self ? { ':yes': true } : {}) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    const membershipWrite = after
      ? { Put: { TableName: this.table, Item: items.membership({ ...after, version: read + 1 }), ...unchanged } }
      : { Delete: { TableName: this.table, Key: keys.membership(userId, domainId), ...unchanged } };
    const bump = endLinks ? { set: 'SET #creator = if_not_exists(#creator, :zero) + :one', names: { '#creator': creatorGenerationAttribute(userId) } } : undefined;
    // The domain item takes the admin count and the creator's generation in one update.
    const domainParts = [bump?.set.slice(4), ...(adminDelta !== 0 ? ['adminCount = if_not_exists(adminCount, :zero) + :delta'] : [])].filter(Boolean);
    const domainWrite =
      domainParts.length > 0
        ? {
            Update: {
              TableName: this.table,
              Key: keys.domain(domainId),
              UpdateExpression: `SET ${domainParts.join(', ')}`,
              // The last admin stays: a demotion or removal needs another admin left.
              ConditionExpression: adminDelta < 0 ? 'adminCount > :one' : 'attribute_exists(#pk)',
              ExpressionAttributeNames: { ...(adminDelta < 0 ? {} : { '#pk': TABLE.partitionKey }), ...bump?.names },
              ExpressionAttributeValues: { ':zero': 0, ...(bump || adminDelta < 0 ? { ':one': 1 } : {}), ...(adminDelta !== 0 ? { ':delta': adminDelta } : {}) },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
            },
          }
        : undefined;
    const callerCheck = {
      ConditionCheck: {
        TableName: this.table,
        Key: keys.membership(adminUserId, domainId),
        ConditionExpression: 'isAdmin = :yes',
        ExpressionAttributeValues: { ':yes': true },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    };
    const actions = [
      ...(self ? [] : [callerCheck]),
      membershipWrite,
      ...(domainWrite ? [domainWrite] : []),
      // Removed: the domain lets go of the email, or keeps it, marked, so the person cannot rejoin through a link.
      ...(after ? [] : [keepOut ? { Put: { TableName: this.table, Item: items.removedMember(domainId, keepOut) } } : { Delete: { TableName: this.table, Key: keys.memberEmail(domainId, before.email) } }]),
      ...(bump
        ? Array.from({ length: SHARDS.domainGates }, (_, shard) => ({
            Update: { TableName: this.table, Key: keys.domainGate(domainId, shard), UpdateExpression: bump.set, ExpressionAttributeNames: bump.names, ExpressionAttributeValues: { ':zero': 0, ':one': 1 } },
          }))
        : []),
      ...(bump ? [this.quotaFreed(domainId, userId)] : []),
      { Put: { TableName: this.table, Item: items.activity(activity) } },
    ];
    const CALLER = self ? -1 : 0;
    const MEMBER = self ? 0 : 1;
    const DOMAIN = MEMBER + 1;
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: actions }));
      return 'done';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = reasonCodes(error);
      if (CALLER >= 0 && codes[CALLER] === 'ConditionalCheckFailed') return failedItem(error, CALLER) ? 'not-admin' : 'not-member';
      if (codes[MEMBER] === 'ConditionalCheckFailed') {
        const now = failedItem<Membership>(error, MEMBER);
        if (!now) return 'gone';
        return self && !now.isAdmin ? 'not-admin' : 'changed';
      }
      if (domainWrite && codes[DOMAIN] === 'ConditionalCheckFailed') return failedItem(error, DOMAIN) ? 'last-admin' : 'not-member';
      throw error;
    }
  }

  join(linkId: string, person: NewMember, now: Date): Promise<JoinOutcome> {
    return joinInOneTransaction(this.db, this.table, linkId, person, now);
  }

  /**
   * In the write that moves a creator's generation (all their links end): their quota's live links
   * go with them, this hour's count stays. Written even with no record yet (one read fewer), and
   * the version moves, so a creation racing this write reads the quota again.
   */
  private quotaFreed(domainId: string, userId: string): TransactItem {
    return {
      Update: {
        TableName: this.table,
        Key: keys.linkQuota(domainId, userId),
        UpdateExpression: 'SET entityType = :type, active = :none, version = if_not_exists(version, :zero) + :one',
        ExpressionAttributeValues: { ':type': ENTITY.LinkQuota, ':none': {}, ':zero': 0, ':one': 1 },
      },
    };
  }

  /**
   * An update of the domain item, and the same change to every gate joins check, that happens only
   * if the caller is, at that instant, its admin. Joins in flight on a gate make it retry.
   */
  private adminWrite(
    domainId: string,
    adminUserId: string,
    update: DomainUpdate,
    gateUpdate: DomainUpdate,
    activity: ActivityEntry | undefined,
    also: TransactItem[] = [],
  ): Promise<AdminWriteOutcome> {
    return retryingConflicts(() => this.adminWriteOnce(domainId, adminUserId, update, gateUpdate, activity, also));
  }

  private async adminWriteOnce(
    domainId: string,
    adminUserId: string,
    update: DomainUpdate,
    gateUpdate: DomainUpdate,
    activity: ActivityEntry | undefined,
    also: TransactItem[],
  ): Promise<AdminWriteOutcome> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.table,
                Key: keys.membership(adminUserId, domainId),
                ConditionExpression: 'isAdmin = :yes',
                ExpressionAttributeValues: { ':yes': true },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: keys.domain(domainId),
                ConditionExpression: 'attribute_exists(#pk)',
                ...update,
                ExpressionAttributeNames: { '#pk': TABLE.partitionKey, ...update.ExpressionAttributeNames },
                ...(update.ConditionExpression ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
              },
            },
            ...Array.from({ length: SHARDS.domainGates }, (_, shard) => ({
              Update: { TableName: this.table, Key: keys.domainGate(domainId, shard), ...gateUpdate },
            })),
            ...also,
            ...(activity ? [{ Put: { TableName: this.table, Item: items.activity(activity) } }] : []),
          ],
        }),
      );
      return 'done';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [membershipCode, domainCode] = reasonCodes(error);
      if (membershipCode === 'ConditionalCheckFailed') return failedItem(error, 0) ? 'not-admin' : 'not-member';
      if (domainCode === 'ConditionalCheckFailed') return update.ConditionExpression && failedItem(error, 1) ? 'unchanged' : 'not-member';
      throw error;
    }
  }

  /**
   * Up to `limit` items after `page.after`, reading on past filtered-out items but never more than
   * MAX_READ_PER_PAGE items in one request (then the page is short and says where to go on).
   */
  private async queryPage(page: PageRequest, input: Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>): Promise<Page<Record<string, unknown>>> {
    const items: Record<string, unknown>[] = [];
    let after: Record<string, unknown> | undefined = page.after;
    let read = 0;
    do {
      const limit = Math.min(page.limit - items.length, MAX_READ_PER_PAGE - read);
      const result = await this.db.send(new QueryCommand({ ...input, TableName: this.table, Limit: limit, ExclusiveStartKey: after })).catch((error: unknown) => {
        // Only the caller's start can be refused: the positions after it are DynamoDB's own.
        throw after !== undefined && after === page.after && (error as Error).name === 'ValidationException' ? new UnknownPosition((error as Error).message) : error;
      });
      items.push(...(result.Items ?? []));
      read += result.ScannedCount ?? 0;
      after = result.LastEvaluatedKey;
    } while (after && items.length < page.limit && read < MAX_READ_PER_PAGE);
    return { items, ...(after ? { next: after as Record<string, string> } : {}) };
  }

  /** Any number of keys, 100 to a BatchGetItem, the batches in parallel: one round trip (plus retries of unprocessed keys). */
  private async batchGet(keyList: Record<string, unknown>[], consistent: boolean): Promise<Record<string, unknown>[]> {
    const batches = Array.from({ length: Math.ceil(keyList.length / 100) }, (_, i) => keyList.slice(i * 100, i * 100 + 100));
    const pages = await Promise.all(
      batches.map(async (Keys) => {
        const found: Record<string, unknown>[] = [];
        let request: BatchGetCommandInput['RequestItems'] = { [this.table]: { Keys, ConsistentRead: consistent } };
        while (request && Object.keys(request).length > 0) {
          const page: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: request }));
          found.push(...(page.Responses?.[this.table] ?? []));
          request = page.UnprocessedKeys;
        }
        return found;
      }),
    );
    return pages.flat();
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new QueryCommand({ ...input, TableName: this.table, ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}

/** A page's start must be exactly the keys of one of the list's items in that domain: DynamoDB is never handed a start it would refuse. */
function startsInList(page: PageRequest, isPosition: (domainId: string, at: Record<string, string>) => boolean, domainId: string): void {
  if (page.after && !isPosition(domainId, page.after)) throw new UnknownPosition('not a position of this list');
}

function removedMemberOf(item: Record<string, unknown>): RemovedMember {
  const { userId, email, firstName, lastName, removedAt, removedBy, removedByEmail } = item as unknown as RemovedMember;
  return { userId, email, firstName, lastName, removedAt, removedBy, ...(removedByEmail !== undefined ? { removedByEmail } : {}) };
}

/** The domain and its directory from the items read, if the domain exists. */
function directoryOf(found: Record<string, unknown>[]): Directory | undefined {
  const domain = found.find((i) => i.entityType === ENTITY.Domain);
  if (!domain) return undefined;
  const lists = found.find((i) => i.entityType === ENTITY.Directory) as Partial<Omit<Directory, 'domain'>> | undefined;
  return { domain: dataOf<Domain>(domain), teams: lists?.teams ?? [], roleGroups: lists?.roleGroups ?? [], groups: lists?.groups ?? [] };
}
