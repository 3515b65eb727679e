/**
 * Links' stats, counted by the events feed from the table's stream: a batch's visit marks (a new
 * browser of the day viewing a link or starting to sign in from it), refusal marks and join records
 * are summed per link and added to each link's stats item with one UpdateItem (ADD), so no lookup
 * or join writes a shared item and concurrent ones lose nothing. A batch the stream delivers again
 * after a failure counts again: the counts are at least once (docs/data-model.md).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { LinkStatsStore, MarkedLink, StatsIncrement } from '../../store/link-stats.ts';
import { ENTITY } from '../../store/dynamodb/table.ts';

/** The entity types whose inserts the stats count: the feed's filter lets them through. */
export const COUNTED_ENTITIES = [ENTITY.LinkVisit, ENTITY.LinkRefusal, ENTITY.Join] as const;
/** Marks are only counted, never published. */
export const isStatsMark = (record: DynamoDBRecord): boolean => {
  const type = record.dynamodb?.NewImage?.entityType?.S;
  return type === ENTITY.LinkVisit || type === ENTITY.LinkRefusal;
};

/** What one record adds to its link's stats: one view, sign-in started or join, or one refusal with its code. */
type Count = 'views' | 'signInsStarted' | 'joins' | { refused: string };

interface Counted {
  sequenceNumber?: string;
  link: MarkedLink;
  count: Count;
}

/** A record's count, if it counts; a record that does not parse counts nothing. */
function countedOf(record: DynamoDBRecord): Counted[] {
  const image = record.dynamodb?.NewImage;
  const type = image?.entityType?.S;
  if (!image || !(COUNTED_ENTITIES as readonly string[]).includes(type ?? '')) return [];
  const item = unmarshall(image as Record<string, AttributeValue>);
  const { linkId, linkExpiresAt: expiresAt } = item;
  // An invitation's join names no link.
  if (typeof linkId !== 'string' || typeof expiresAt !== 'string' || item.via === 'invitation') return [];
  const count: Count | undefined =
    type === ENTITY.Join ? 'joins'
    : type === ENTITY.LinkRefusal ? (typeof item.code === 'string' ? { refused: item.code } : undefined)
    : item.step === 'view' ? 'views'
    : item.step === 'sign-in' ? 'signInsStarted'
    : undefined;
  return count ? [{ sequenceNumber: record.dynamodb?.SequenceNumber, link: { linkId, expiresAt }, count }] : [];
}

function add(increment: StatsIncrement, count: Count): void {
  if (typeof count === 'string') increment[count] += 1;
  else increment.refusals[count.refused] = (increment.refusals[count.refused] ?? 0) + 1;
}

/**
 * Starts adding up every link's counts of a batch at once, and gives each counted record what its
 * handler awaits: done, or the error its record fails with (then the stream delivers it again).
 */
export function startLinkStats(records: readonly DynamoDBRecord[], stats: LinkStatsStore): Map<string | undefined, () => Promise<void>> {
  const links = new Map<string, { link: MarkedLink; increment: StatsIncrement; sequenceNumbers: (string | undefined)[] }>();
  for (const counted of records.flatMap(countedOf)) {
    const entry = links.get(counted.link.linkId) ?? { link: counted.link, increment: { views: 0, signInsStarted: 0, joins: 0, refusals: {} }, sequenceNumbers: [] };
    add(entry.increment, counted.count);
    entry.sequenceNumbers.push(counted.sequenceNumber);
    links.set(counted.link.linkId, entry);
  }
  const handlers = new Map<string | undefined, () => Promise<void>>();
  for (const { link, increment, sequenceNumbers } of links.values()) {
    // Never rejects: each record's handler reports the error.
    const done = stats.add(link, increment).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    for (const sequenceNumber of sequenceNumbers) {
      handlers.set(sequenceNumber, async () => {
        const error = await done;
        if (error) throw error;
      });
    }
  }
  return handlers;
}
