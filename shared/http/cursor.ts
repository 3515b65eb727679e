/**
 * Paging cursors: opaque to clients, bound to the list, the domain and the filter they were issued
 * for. A cursor is the position DynamoDB gave (the last key read) in base64url JSON; one that does
 * not decode, or names another list, domain or filter, is a 400 naming `cursor`. Forging one only
 * moves the start within the caller's own domain's list: the partition is checked, not trusted.
 */
import { invalidRequest } from '../domain/errors.ts';
import { TABLE } from '../store/dynamodb/table.ts';

export type ListName = keyof typeof LISTS;
export type Position = Record<string, string>;

interface Cursor {
  list: ListName;
  domainId: string;
  filter: string;
  at: Position;
}

const BY_DOMAIN = {
  keyNames: [TABLE.partitionKey, TABLE.sortKey, TABLE.byDomainIndex.partitionKey, TABLE.byDomainIndex.sortKey].sort(),
  partition: (domainId: string): [string, string] => [TABLE.byDomainIndex.partitionKey, `DOMAIN#${domainId}`],
};
/** Each list's position: the key names DynamoDB gives for it, and the partition that must be the caller's domain's. */
const LISTS = {
  users: BY_DOMAIN,
  links: BY_DOMAIN,
  activity: {
    keyNames: [TABLE.partitionKey, TABLE.sortKey].sort(),
    partition: (domainId: string): [string, string] => [TABLE.partitionKey, `ACTIVITY#${domainId}`],
  },
} as const;

export function encodeCursor(list: ListName, domainId: string, filter: string, at: Position): string {
  return Buffer.from(JSON.stringify({ list, domainId, filter, at } satisfies Cursor)).toString('base64url');
}

/** The position to start after, or a 400 when the cursor was not issued for this list, domain and filter. */
export function decodeCursor(raw: string, list: ListName, domainId: string, filter: string): Position {
  let cursor: Partial<Cursor>;
  try {
    cursor = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Cursor>;
  } catch {
    throw invalidRequest('cursor', 'is not a cursor this API issued');
  }
  if (cursor?.list !== list || cursor.domainId !== domainId || cursor.filter !== filter) {
    throw invalidRequest('cursor', 'was issued for another list; start again without it');
  }
  const at = cursor.at;
  const { keyNames, partition } = LISTS[list];
  const [partitionKey, partitionValue] = partition(domainId);
  const valid =
    typeof at === 'object' &&
    at !== null &&
    Object.keys(at).sort().join() === keyNames.join() &&
    Object.values(at).every((v) => typeof v === 'string' && v.length <= 1024) &&
    at[partitionKey] === partitionValue;
  if (!valid) throw invalidRequest('cursor', 'is not a cursor this API issued');
  return at;
}
