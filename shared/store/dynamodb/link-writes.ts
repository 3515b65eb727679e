/** The writes about links: making one, revoking one, revoking all, the domain switch, each a single transaction that names what refused it. */
import { randomInt } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ActivityEntry } from '../../contract/event-schemas.ts';
import { creatorGenerationAttribute } from '../../domain/invite-link.ts';
import { linkTimers } from '../../domain/timers.ts';
import type { LinkQuota } from '../../domain/link-quota.ts';
import type { Domain, InviteLink } from '../../domain/types.ts';
import type { AdminWriteOutcome, InviteLinkSettingsChange, LinkRevocation, Store } from '../store.ts';
import { failedItem, reasonCodes } from './cancellation.ts';
import { copyToGates, GATE_VERSION_MOVE, movingGateVersion } from './gate-sync.ts';
import { retryingConflicts } from './conflicts.ts';
import { gateCheck } from './gate-check.ts';
import { items } from './items.ts';
import { keys } from './keys.ts';
import { countersFor, ENTITY, SHARDS, TABLE } from './table.ts';
import { timerPuts } from './timers.ts';
import type { TableAccess, TransactItem } from './table-access.ts';

/** One change to the domain item. */
export interface DomainUpdate {
  UpdateExpression: string;
  /** Besides the domain existing; refused with an existing domain: 'unchanged'. */
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  /** Absent for an update with no values (DynamoDB refuses an empty map). */
  ExpressionAttributeValues?: Record<string, unknown>;
}

export type LinkWrites = Pick<Store, 'createInviteLink' | 'revokeInviteLink' | 'revokeAllInviteLinks' | 'updateInviteLinkSettings'>;

export function linkWrites(t: TableAccess): LinkWrites {
  return {
    async createInviteLink(made: InviteLink, quota: LinkQuota, activity: ActivityEntry, sealedToken: string, revoke?: LinkRevocation): Promise<'created' | 'links-disabled' | 'generation-moved' | 'quota-moved'> {
      // Its counters, chosen here once and kept on the link: every later reader counts what it was made with.
      const link: InviteLink = { ...made, counters: countersFor(made.maxUses) };
      const outcome = await retryingConflicts(() => createInviteLinkOnce(t, link, quota, activity, sealedToken, revoke));
      if (outcome === 'created' && revoke && revoke.link.createdBy !== link.createdBy) await retryingConflicts(() => releasedFromQuota(t, revoke.link));
      return outcome;
    },

    revokeInviteLink(link: InviteLink, at: string, activity: ActivityEntry): Promise<void> {
      const targets = revokedItems(t, link, at);
      const send = (releaseQuota: boolean) =>
        t.db.send(
          new TransactWriteCommand({
            TransactItems: [
              ...targets,
              // The revoked link no longer counts against its creator's quota.
              ...(releaseQuota
                ? [
                    { Update: quotaRelease(t, link) },
                  ]
                : []),
              { Put: { TableName: t.table, Item: items.activity(activity) } },
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
    },

    revokeAllInviteLinks(domainId: string, adminUserId: string, at: string, activity: ActivityEntry, createdBy?: string): Promise<AdminWriteOutcome> {
      if (createdBy !== undefined) {
        // Only one person's links: their generation moves on the domain, then on every gate.
        const bump = {
          UpdateExpression: 'SET #creator = if_not_exists(#creator, :zero) + :one',
          ExpressionAttributeNames: { '#creator': creatorGenerationAttribute(createdBy) },
          ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
        };
        return adminWrite(t, domainId, adminUserId, bump, { creators: [creatorGenerationAttribute(createdBy)] }, activity, [quotaFreed(t, domainId, createdBy)]);
      }
      return adminWrite(t, 
        domainId,
        adminUserId,
        { UpdateExpression: 'ADD linkGeneration :one SET linksRevokedAt = :at, linksRevokedBy = :by', ExpressionAttributeValues: { ':one': 1, ':at': at, ':by': adminUserId } },
        COPY_TO_GATES,
        activity,
      );
    },

    async updateInviteLinkSettings(domainId: string, change: InviteLinkSettingsChange, adminUserId: string, at: string, switched?: ActivityEntry): Promise<AdminWriteOutcome> {
      // What joins check is copied onto every gate after the domain's write (gate-sync.ts).
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
      // The new links' guard is the domain's alone: joins never read it, so no gate carries it.
      const guard = change.defaultPauseAfter ? ['defaultPauseAfter = :guard'] : [];
      const guardValue = change.defaultPauseAfter ? { ':guard': change.defaultPauseAfter } : {};
      const noGuard = change.defaultPauseAfter === null ? ' REMOVE defaultPauseAfter' : '';
      // Turning links off also moves the generation, so turning them on again revives nothing.
      const moveGeneration = change.enabled === false ? ' ADD linkGeneration :one' : '';
      if (moveGeneration) values[':one'] = 1;
      // When links went off, so a link that died then is not reported as deleted.
      const disabledAt = change.enabled === false ? ['linksDisabledAt = :at'] : [];
      const write = (activity: ActivityEntry | undefined) =>
        adminWrite(t, 
          domainId,
          adminUserId,
          {
            UpdateExpression: `SET ${[...gate, ...guard, ...disabledAt, 'settingsUpdatedAt = :at', 'settingsUpdatedBy = :by'].join(', ')}${noGuard}${moveGeneration}`,
            ExpressionAttributeValues: { ...values, ...guardValue, ':at': at, ':by': adminUserId },
            // The switch's event is written only with a switch that moves.
            ...(activity ? { ConditionExpression: 'attribute_exists(#pk) AND linksEnabled <> :enabled' } : {}),
          },
          gate.length === 0 ? undefined : COPY_TO_GATES,
          activity,
        );
      if (!switched) return write(undefined);
      const outcome = await write(switched);
      return outcome === 'unchanged' ? write(undefined) : outcome;
    }
  };
}

/** Checks one random gate, like a join, so concurrent creations and joins rarely share an item. */
/** The link and every one of its use counters marked revoked (a first revocation's time stays). */
function revokedItems(t: TableAccess, link: InviteLink, at: string): TransactItem[] {
  const revoke = { UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)', ExpressionAttributeValues: { ':at': at } };
  const targets = [keys.link(link.linkId), ...keys.linkCounters(link)];
  return targets.map((Key) => ({ Update: { TableName: t.table, Key, ...revoke } }));
}

/**
 * A re-issue's revocation of the old link, in the new link's write: the link and its counters, and
 * its entry. The caller's own quota record, written whole with the new link, already leaves it out.
 */
function revocationItems(t: TableAccess, revoke: LinkRevocation): TransactItem[] {
  return [...revokedItems(t, revoke.link, revoke.at), { Put: { TableName: t.table, Item: items.activity(revoke.activity) } }];
}

/** The link no longer counts against its creator's quota (a creator with no quota record: the condition fails). */
function quotaRelease(t: TableAccess, link: InviteLink) {
  return {
    TableName: t.table,
    Key: keys.linkQuota(link.domainId, link.createdBy),
    UpdateExpression: 'REMOVE active.#link SET version = version + :one',
    ConditionExpression: 'attribute_exists(active)',
    ExpressionAttributeNames: { '#link': link.linkId },
    ExpressionAttributeValues: { ':one': 1 },
  };
}

/**
 * Someone else's link a re-issue revoked no longer counts against their quota: written just after
 * (a creator with no quota record, whose links predate quotas, has nothing to release, and a
 * release in the transaction would fail it). Until then it counts at most as a live link would.
 */
async function releasedFromQuota(t: TableAccess, link: InviteLink): Promise<void> {
  try {
    await t.db.send(new UpdateCommand(quotaRelease(t, link)));
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

async function createInviteLinkOnce(t: TableAccess, link: InviteLink, quota: LinkQuota, activity: ActivityEntry, sealedToken: string, revoke?: LinkRevocation): Promise<'created' | 'links-disabled' | 'generation-moved' | 'quota-moved'> {
  try {
    await t.db.send(
      new TransactWriteCommand({
        TransactItems: [
          gateCheck(t.table, {
            domainId: link.domainId,
            shard: randomInt(SHARDS.domainGates),
            generation: link.generation,
            createdBy: link.createdBy,
            creatorGeneration: link.creatorGeneration ?? 0,
          }),
          {
            Put: {
              TableName: t.table,
              Item: { ...keys.linkQuota(link.domainId, link.createdBy), entityType: ENTITY.LinkQuota, ...quota },
              ConditionExpression: 'attribute_not_exists(#pk) OR version = :read',
              ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
              ExpressionAttributeValues: { ':read': quota.version - 1 },
            },
          },
          ...[items.inviteLink(link), items.linkExpiry(link), items.linkToken(link, sealedToken), items.activity(activity), ...items.linkCounters(link)].map((Item) => ({
            Put: {
              TableName: t.table,
              Item,
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
            },
          })),
          ...(revoke ? revocationItems(t, revoke) : []),
          // Its warning a day before its end, and its end: fired on time by the timer sweep.
          ...timerPuts(t, linkTimers(link)),
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

/**
 * In the write that moves a creator's generation (all their links end): their quota's live links
 * go with them, this hour's count stays. Written even with no record yet (one read fewer), and
 * the version moves, so a creation racing this write reads the quota again.
 */
export function quotaFreed(t: TableAccess, domainId: string, userId: string): TransactItem {
  return {
    Update: {
      TableName: t.table,
      Key: keys.linkQuota(domainId, userId),
      UpdateExpression: 'SET entityType = :type, active = :none, version = if_not_exists(version, :zero) + :one',
      ExpressionAttributeValues: { ':type': ENTITY.LinkQuota, ':none': {}, ':zero': 0, ':one': 1 },
    },
  };
}

/** A change of what the gates hold (gate-sync.ts), and the creator generations it moves. */
export interface GateChange {
  creators?: string[];
}
/** A change of what the gates hold that moves no creator's generation. */
export const COPY_TO_GATES: GateChange = {};

/**
 * An update of the domain item that happens only if the caller is, at that instant, its admin;
 * with `gates`, the domain's state is then copied onto every gate joins check before it returns.
 */
export async function adminWrite(
  t: TableAccess,
  domainId: string,
  adminUserId: string,
  update: DomainUpdate,
  gates: GateChange | undefined,
  activity: ActivityEntry | undefined,
  also: TransactItem[] = [],
): Promise<AdminWriteOutcome> {
  const outcome = await retryingConflicts(() => adminWriteOnce(t, domainId, adminUserId, gates ? withGateVersion(update) : update, activity, also));
  if (outcome === 'done' && gates) await copyToGates(t, domainId, gates.creators);
  return outcome;
}

/** The domain's update, moving its gate version on too. */
function withGateVersion(update: DomainUpdate): DomainUpdate {
  return { ...update, UpdateExpression: movingGateVersion(update.UpdateExpression), ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...GATE_VERSION_MOVE.values } };
}

async function adminWriteOnce(
  t: TableAccess,
  domainId: string,
  adminUserId: string,
  update: DomainUpdate,
  activity: ActivityEntry | undefined,
  also: TransactItem[],
): Promise<AdminWriteOutcome> {
  try {
    await t.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: t.table,
              Key: keys.membership(adminUserId, domainId),
              ConditionExpression: 'isAdmin = :yes',
              ExpressionAttributeValues: { ':yes': true },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          {
            Update: {
              TableName: t.table,
              Key: keys.domain(domainId),
              ConditionExpression: 'attribute_exists(#pk)',
              ...update,
              ExpressionAttributeNames: { '#pk': TABLE.partitionKey, ...update.ExpressionAttributeNames },
              ...(update.ConditionExpression ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
            },
          },
          ...also,
          ...(activity ? [{ Put: { TableName: t.table, Item: items.activity(activity) } }] : []),
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
