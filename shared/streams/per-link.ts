/**
 * Work the events feed does once per link for a whole batch of join records (the guard, the
 * checks of a link's uses): started for every link at once, and each record given what its
 * handler awaits: done, or the error its record fails with (so the stream retries it).
 */
import type { DynamoDBRecord } from 'aws-lambda';
import type { JoinRecord } from '../domain/types.ts';
import { ENTITY } from '../store/dynamodb/table.ts';
import { joinOf } from './notifier/join-image.ts';

/** A batch's join record; one that does not parse is left to its handler, which reports why. */
function joinOfRecord(record: DynamoDBRecord): { sequenceNumber?: string; join: JoinRecord }[] {
  if (record.dynamodb?.NewImage?.entityType?.S !== ENTITY.Join) return [];
  try {
    return [{ sequenceNumber: record.dynamodb.SequenceNumber, join: joinOf(record) }];
  } catch {
    return [];
  }
}

export function startPerLink<J extends JoinRecord & { linkId: string }>(
  records: readonly DynamoDBRecord[],
  takes: (join: JoinRecord) => join is J,
  run: (joins: J[], log: { linkId: string; domainId: string }) => Promise<unknown>,
): Map<string | undefined, () => Promise<void>> {
  const links = new Map<string, { sequenceNumber?: string; join: J }[]>();
  for (const { sequenceNumber, join } of records.flatMap(joinOfRecord)) if (takes(join)) links.set(join.linkId, [...(links.get(join.linkId) ?? []), { sequenceNumber, join }]);
  const handlers = new Map<string | undefined, () => Promise<void>>();
  for (const [linkId, linkRecords] of links) {
    // Never rejects: each record's handler reports the error.
    const done = run(linkRecords.map((r) => r.join), { linkId, domainId: linkRecords[0]!.join.domainId }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    for (const { sequenceNumber } of linkRecords) {
      handlers.set(sequenceNumber, async () => {
        const error = await done;
        if (error) throw error;
      });
    }
  }
  return handlers;
}
