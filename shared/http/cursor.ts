/**
 * Paging cursors: opaque to clients, bound to the list, the domain and the filter they were issued
 * for. A cursor is the position DynamoDB gave (the last key read) in base64url JSON; one that does
 * not decode, names another list, domain or filter, or holds a position that list could not have
 * given (shared/store/dynamodb/keys.ts listPositions), is a 400 naming `cursor`. Forging one can
 * only move the start within the caller's own domain's list, never make DynamoDB refuse the start.
 */
import { invalidRequest } from '../domain/errors.ts';
import { listPositions } from '../store/dynamodb/keys.ts';
import { UnknownPosition } from '../store/store.ts';

export type ListName = keyof typeof LISTS;
export type Position = Record<string, string>;

interface Cursor {
  list: ListName;
  domainId: string;
  filter: string;
  at: Position;
}

/** Each list's positions: exactly the keys of one of its items in the caller's domain. */
const LISTS = {
  users: listPositions.members,
  links: listPositions.links,
  activity: listPositions.activity,
  removedMembers: listPositions.removedMembers,
} as const;

const NOT_ISSUED = 'is not a cursor this API issued';

export function encodeCursor(list: ListName, domainId: string, filter: string, at: Position): string {
  return Buffer.from(JSON.stringify({ list, domainId, filter, at } satisfies Cursor)).toString('base64url');
}

/** The position to start after, or a 400 when the cursor was not issued for this list, domain and filter. */
export function decodeCursor(raw: string, list: ListName, domainId: string, filter: string): Position {
  let cursor: Partial<Cursor>;
  try {
    cursor = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Cursor>;
  } catch {
    throw invalidRequest('cursor', NOT_ISSUED);
  }
  if (cursor?.list !== list || cursor.domainId !== domainId || cursor.filter !== filter) {
    throw invalidRequest('cursor', 'was issued for another list; start again without it');
  }
  const at = cursor.at;
  if (typeof at !== 'object' || at === null || Array.isArray(at) || !LISTS[list](domainId, at)) throw invalidRequest('cursor', NOT_ISSUED);
  return at;
}

/** Reads the page a cursor points to: should the store still refuse the position, that is the cursor's 400, never a 500. */
export async function pageAtCursor<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof UnknownPosition) throw invalidRequest('cursor', NOT_ISSUED);
    throw error;
  }
}
