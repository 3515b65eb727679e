/**
 * A join is one read and one transaction (2 round trips), or the transaction alone for a link this
 * instance has read before (a link never changes once made; everything that ends it sits on its
 * counters and the domain's gates, which the transaction checks). The domain plans the writes
 * (shared/domain/join.ts); this commits them and names the write whose condition failed. A join
 * through an email invitation is committed the same way, its invitation in place of a counter
 * (invitation-join.ts).
 *
 * Concurrent joins of one domain or one link rarely share an item: each holds one random domain
 * gate and one random use counter of its link (SHARDS in table.ts), never the domain or link item
 * itself. The kill switches update every gate or every counter in their own single transaction,
 * so a join either commits before one of them or fails after it. A join that meets another
 * transaction on its counter or gate tries again at once on others, without reading again.
 */
import { randomInt } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { busy } from '../../domain/errors.ts';
import { capOf } from '../../domain/invite-link.ts';
import type { GateState, JoinWrite, RefusedJoinWrite } from '../../domain/join.ts';
import type { InviteLink } from '../../domain/types.ts';
import { count } from '../../observability/metrics.ts';
import { METRIC } from '../../observability/names.ts';
import type { JoinRequestCommit } from '../store.ts';
import type { RequestFlowWrite } from '../../domain/join-request.ts';
import { isRefusableRequestWrite, joinRequestAction, refusedRequestWrite } from './join-request-actions.ts';
import { failedItem, reasonCodes } from './cancellation.ts';
import { backoffMs, isConflict, JOIN_MAX_ATTEMPTS, JOIN_TRYING_MS, joinRetryMs, sleep as realSleep, type Sleep } from './conflicts.ts';
import { gateCheck } from './gate-check.ts';
import { invitationAction, refusedInvitation } from './invitation-join.ts';
import { dataOf, keys } from './keys.ts';
import { items } from './items.ts';
import { countersOf, ENTITY, SHARDS, TABLE } from './table.ts';
import type { TableAccess, TransactItem } from './table-access.ts';
import { timerPuts } from './timers.ts';

/** How many links an instance remembers; a burst through one link reads it once per instance. */
const KNOWN_LINKS_MAX = 1000;
const knownLinks = new Map<string, InviteLink>();

export interface JoinOptions {
  sleep?: Sleep;
  /** The links this instance has read, by id; tests pass their own. */
  links?: Map<string, InviteLink>;
  /** Which counter and gate to hold; random unless a test pins them. */
  pick?: (shards: number) => number;
}

/** The link, and whether the person has a profile yet; without a read (a link known here) they are taken to be new. */
export async function linkForJoin(t: TableAccess, linkId: string, userId: string, { links = knownLinks }: JoinOptions = {}): Promise<{ link?: InviteLink; isNewUser: boolean }> {
  const known = links.get(linkId);
  // The profile's own condition says otherwise if they have one, and the commit leaves it out then.
  if (known) return { link: known, isNewUser: true };
  const found = await t.batchGet([keys.link(linkId), keys.user(userId)], true);
  const linkItem = found.find((i) => i.entityType === ENTITY.InviteLink);
  const isNewUser = !found.some((i) => i.entityType === ENTITY.User);
  // No link: the token may be an invitation's, which needs to know the same.
  if (!linkItem) return { isNewUser };
  const link = dataOf<InviteLink>(linkItem);
  remember(links, linkId, link);
  return { link, isNewUser };
}

/** Commits the planned writes in one transaction; a collision is tried again on other shards, a failed condition is named. */
export async function commitJoin(t: TableAccess, writes: readonly RequestFlowWrite[], { sleep = realSleep, pick = randomInt }: JoinOptions = {}): Promise<JoinRequestCommit> {
  // Absent for an invitation's join, which counts no uses.
  // A join request checks its link on a counter as a join counts a use there (join-request-actions.ts).
  const use = writes.find((w): w is Extract<RequestFlowWrite, { write: 'count-use' | 'check-link' }> => w.write === 'count-use' || w.write === 'check-link');
  const maxUses = use?.write === 'count-use' ? use.maxUses : undefined;
  const linkCounters = countersOf(use ?? {});
  let planned = [...writes];
  // Counters found full (a link with maxUses) are never tried again; shards another transaction held are avoided on the next tries.
  const full = new Set<number>();
  const heldCounters = new Set<number>();
  const heldGates = new Set<number>();
  const allGates = Array.from({ length: SHARDS.domainGates }, (_, shard) => shard);
  const started = performance.now();
  for (let attempt = 1; ; ) {
    const counters = Array.from({ length: linkCounters }, (_, shard) => shard).filter(
      (shard) => !full.has(shard) && (maxUses === undefined || capOf(shard, linkCounters, maxUses) > 0),
    );
    if (counters.length === 0) return { refused: { write: 'count-use', usedUp: true } };
    const shards = { counter: use ? pickAvoiding(counters, heldCounters, pick) : 0, gate: pickAvoiding(allGates, heldGates, pick) };
    try {
      await t.db.send(new TransactWriteCommand({ TransactItems: planned.map((w) => actionOf(t.table, w, shards)) }));
      // A request or a decline admits nobody.
      if (planned.some((w) => w.write === 'add-membership')) count(METRIC.joins);
      return { done: true };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = reasonCodes(error);
      const failed = planned.findIndex((_, i) => codes[i] === 'ConditionalCheckFailed');
      if (failed >= 0) {
        const write = planned[failed]!;
        if (write.write === 'create-user') {
          // This person's first join elsewhere made their profile a moment ago: join without writing it.
          planned = planned.filter((w) => w !== write);
          continue;
        }
        const found = failedItem<Record<string, unknown>>(error, failed);
        if (write.write === 'count-use' && counterFull(found, write.at)) {
          // That counter's share of maxUses is taken: try the others at once.
          full.add(shards.counter);
          continue;
        }
        if (isRefusableRequestWrite(write.write)) return { refused: refusedRequestWrite(write.write, found) };
        return { refused: refusedWrite(write.write as RefusableWrite, found, 'at' in write ? write.at : undefined) };
      }
      if (!isConflict(error)) throw error;
      count(METRIC.conflicts);
      const collided = (name: RequestFlowWrite['write']) => codes[planned.findIndex((w) => w.write === name)] === 'TransactionConflict';
      if (collided('count-use') || collided('check-link')) heldCounters.add(shards.counter);
      if (collided('pass-gate')) heldGates.add(shards.gate);
      if (attempt >= JOIN_MAX_ATTEMPTS || performance.now() - started > JOIN_TRYING_MS) throw busy();
      count(METRIC.conflictRetries);
      // A collision on the person's own items (the same person joining twice at once), or on an invitation, has no other shard to go to: back off further.
      const onPerson = collided('add-membership') || collided('claim-email') || collided('create-user') || collided('use-invitation') ||
        collided('decide-request') || collided('put-request') || collided('check-not-member') || collided('check-email-free');
      await sleep(onPerson ? backoffMs(attempt) : joinRetryMs(attempt));
      attempt += 1;
    }
  }
}

const notExists = { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE.partitionKey } };

/** The DynamoDB action a planned write is, on the counter and gate chosen for this try. */
function actionOf(table: string, w: RequestFlowWrite, shards: { counter: number; gate: number }): TransactItem {
  switch (w.write) {
    case 'count-use':
      return {
        Update: {
          TableName: table,
          Key: keys.linkCounter(w.linkId, shards.counter),
          UpdateExpression: 'ADD useCount :one',
          ConditionExpression: 'attribute_exists(#pk) AND expiresAt > :now AND attribute_not_exists(revokedAt) AND attribute_not_exists(pausedAt) AND (attribute_not_exists(cap) OR useCount < cap)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: { ':one': 1, ':now': w.at },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      };
    case 'pass-gate': {
      const { write: _, ...check } = w;
      return gateCheck(table, { ...check, shard: shards.gate });
    }
    case 'add-membership':
      return { Put: { TableName: table, Item: items.membership(w.membership), ...notExists } };
    case 'claim-email':
      return { Put: { TableName: table, Item: items.memberEmail(w.domainId, w.email, w.userId), ...notExists, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } };
    case 'record-join':
      return { Put: { TableName: table, Item: items.join(w.join) } };
    case 'create-user':
      return { Put: { TableName: table, Item: items.user(w.user), ...notExists } };
    case 'put-timer':
      return timerPuts({ table }, [w.timer])[0]!;
    case 'use-invitation':
    case 'release-address':
    case 'record-acceptance':
      return invitationAction(table, w);
    default:
      return joinRequestAction(table, w, shards);
  }
}

/** A counter refused only because its share of maxUses is taken, the link otherwise working. */
function counterFull(found: Record<string, unknown> | undefined, at: string): boolean {
  const counter = found as { useCount?: number; cap?: number; revokedAt?: string; pausedAt?: string; expiresAt?: string } | undefined;
  return counter !== undefined && counter.revokedAt === undefined && counter.pausedAt === undefined && (counter.expiresAt ?? '') > at && counter.cap !== undefined && (counter.useCount ?? 0) >= counter.cap;
}

/** The writes with a condition that refuses the join (the records, the address's release and the timers have none; the profile's is no refusal). */
type RefusableWrite = Exclude<JoinWrite['write'], 'record-join' | 'record-acceptance' | 'release-address' | 'create-user' | 'put-timer'>;

/** The refused write, with what the product needs of the item its condition found (and the join's time where a pause was found, to tell whether it was running). */
function refusedWrite(write: RefusableWrite, found: Record<string, unknown> | undefined, at: string | undefined): RefusedJoinWrite {
  const whenPaused = (pause: unknown) => (pause !== undefined && at !== undefined ? { at } : {});
  switch (write) {
    case 'count-use': {
      const ended = (name: 'revokedAt' | 'pausedAt') => (found?.[name] !== undefined ? { [name]: String(found[name]) } : {});
      return { write, ...(found ? { found: { expiresAt: String(found.expiresAt), ...ended('revokedAt'), ...ended('pausedAt') } } : {}), ...whenPaused(found?.pausedAt) };
    }
    case 'pass-gate':
      return { write, ...(found ? { found: found as GateState } : {}), ...whenPaused(found?.linksPausedUntil) };
    case 'claim-email':
      return { write, ...(found ? { found: { rejoinBlocked: found.rejoinBlocked === true } } : {}) };
    case 'add-membership':
      return { write };
    case 'use-invitation':
      return refusedInvitation(found);
  }
}

/** Keeps the latest links, oldest forgotten first. */
function remember(links: Map<string, InviteLink>, linkId: string, link: InviteLink): void {
  links.set(linkId, link);
  if (links.size > KNOWN_LINKS_MAX) links.delete(links.keys().next().value!);
}

/** A random shard among those no transaction was just seen holding; any of them once every one was. */
function pickAvoiding(shards: number[], held: Set<number>, pick: (n: number) => number): number {
  const free = shards.filter((shard) => !held.has(shard));
  if (free.length === 0) held.clear();
  const from = free.length > 0 ? free : shards;
  return from[pick(from.length)]!;
}
