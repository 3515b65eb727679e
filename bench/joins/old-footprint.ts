/**
 * The old item footprint, bare: one TransactWriteItems per join holding the domain item
 * (ConditionCheck) and the link item (ADD useCount) plus the person's four Puts, through its own
 * client with the emulation on, retried as the service retries (retryingConflicts: backoffMs, CONFLICT_MAX_ATTEMPTS).
 * Its client has the partition throughput emulation, as the stack's clients do (unless DYNAMODB_THROUGHPUT_EMULATION=off).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { emulateTransactionConflicts, resetConflictStats } from '../../local/conflict-emulation.ts';
import { LOCAL_AWS } from '../../local/services.ts';
import { emulatePartitionThroughput } from '../../local/throughput-emulation.ts';
import { ServiceError } from '../../shared/domain/errors.ts';
import { isThrottled, retryingConflicts } from '../../shared/store/dynamodb/conflicts.ts';
import { items } from '../../shared/store/dynamodb/items.ts';
import { keys } from '../../shared/store/dynamodb/keys.ts';
import { TABLE } from '../../shared/store/dynamodb/table.ts';
import { benchPerson, type BenchPerson } from '../local-api.ts';
import type { emulationMeter } from './emulations.ts';
import { collectGarbage, pause } from './machine.ts';
import { openLoop, type Arrivals } from './open-loop.ts';
import { conflictsSinceReset, summary, type JoinScenario } from './scenario.ts';
import { joinTransactions } from './transactions.ts';

/** Where the old footprint's joins go: the same table, domain and arrivals as the scenarios beside it. */
export interface OldFootprintTarget {
  dynamoEndpoint: string;
  table: string;
  domainId: string;
  /** The old footprint's link item. */
  baselineLinkId: string;
  arrivals: Arrivals;
}

export async function oldFootprint(o: OldFootprintTarget, rate: number, count: number, meter: ReturnType<typeof emulationMeter>): Promise<JoinScenario> {
  const client = emulatePartitionThroughput(emulateTransactionConflicts(new DynamoDBClient({ endpoint: o.dynamoEndpoint, ...LOCAL_AWS }), { enabled: true }));
  meter.watch(client);
  const db = DynamoDBDocumentClient.from(client);
  const counter = joinTransactions(db);
  const notExists = { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE.partitionKey } };
  const grant = { userType: 'STANDARD' as const, primaryTeamId: 'editors', additionalTeamIds: [], roleGroupIds: [], groupIds: [] };
  const joinOnce = (person: BenchPerson & { userId: string }) => {
    const joinedAt = new Date().toISOString();
    const { userId } = person;
    const membership = { ...person, domainId: o.domainId, isAdmin: false, userType: grant.userType, teamIds: ['editors'], roleGroupIds: [], groupIds: [], createdAt: joinedAt };
    const join = { ...person, joinId: randomUUID(), linkId: o.baselineLinkId, domainId: o.domainId, linkCreatedBy: 'u-demo-owner', linkExpiresAt: joinedAt, grant, joinedAt };
    return db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: o.table,
              Key: keys.link(o.baselineLinkId),
              UpdateExpression: 'ADD useCount :one',
              ConditionExpression: 'attribute_exists(#pk) AND expiresAt > :now AND attribute_not_exists(revokedAt)',
              ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
              ExpressionAttributeValues: { ':one': 1, ':now': joinedAt },
            },
          },
          { ConditionCheck: { TableName: o.table, Key: keys.domain(o.domainId), ConditionExpression: 'linksEnabled = :on', ExpressionAttributeValues: { ':on': true } } },
          { Put: { TableName: o.table, Item: items.membership(membership), ...notExists } },
          { Put: { TableName: o.table, Item: items.memberEmail(o.domainId, person.email, userId), ...notExists } },
          { Put: { TableName: o.table, Item: items.join(join) } },
          { Put: { TableName: o.table, Item: items.user({ ...person, createdAt: joinedAt }), ...notExists } },
        ],
      }),
    );
  };
  const people = Array.from({ length: count }, () => ({ ...benchPerson('old'), userId: `old-${randomUUID()}` }));
  collectGarbage();
  await pause();
  counter.reset();
  resetConflictStats();
  const emulations = meter.start(client);
  const run = await openLoop(
    rate,
    count,
    async (i) => {
      try {
        await retryingConflicts(() => joinOnce(people[i]!));
        return 201;
      } catch (error) {
        // As the service answers: conflicts past the retries, or a partition over its limit past the SDK's, are BUSY.
        if ((error instanceof ServiceError && error.kind === 'Busy') || isThrottled(error)) return 503;
        throw error;
      }
    },
    o.arrivals,
  );
  const result = summary(rate, 'old footprint: bare TransactWriteItems', 'on', 1, [{ run, counted: counter.read(), ...conflictsSinceReset(), emulations: { ...emulations(), iam: false } }]);
  client.destroy();
  return result;
}
