/**
 * Paging cursors: opaque to clients, bound to the list, the domain and the filter they were issued
 * for. A cursor is the position DynamoDB gave (the last key read) in base64url JSON; one that does
 * not decode, or names another list, domain or filter, is a 400 naming `cursor`. Forging one only
 * moves the start within the caller's own domain's list: the partition is checked, not trusted.
 */
import { invalidRequest } from '../domain/errors.ts';
import { TABLE } from '../store/dynamodb/table.ts';

export type ListName = 'users' | 'links';
export type Position = Record<string, string>;

interface Cursor {
  list: ListName;
  domainId: string;
  filter: string;
  at: Position;
}

const KEY_NAMES = [TABLE.partitionKey, TABLE.sortKey, TABLE.byDomainIndex.partitionKey, TABLE.byDomainIndex.sortKey].sort();

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
  const valid =
    typeof at === 'object' &&
    at !== null &&
    Object.keys(at).sort().join() === KEY_NAMES.join() &&
    Object.values(at).every((v) => typeof v === 'string' && v.length <= 1024) &&
    at[TABLE.byDomainIndex.partitionKey] === `DOMAIN#${domainId}`;
  if (!valid) throw invalidRequest('cursor', 'is not a cursor this API issued');
  return at;
}
