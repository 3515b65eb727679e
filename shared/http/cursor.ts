/**
 * Paging cursors: opaque to clients, bound to the list, the domain and the filter they were issued
 * for. A cursor is the position the store gave (the last key read) in base64url JSON; one that does
 * not decode or names another list, domain or filter is a 400 naming `cursor`, and so is a position
 * the store refuses (UnknownPosition: that list could not have given it). Forging one can only move
 * the start within the caller's own domain's list.
 */
import { invalidRequest } from '../domain/errors.ts';
import { UnknownPosition } from '../store/store.ts';

export type ListName = (typeof LISTS)[number];
export type Position = Record<string, string>;

interface Cursor {
  list: ListName;
  domainId: string;
  filter: string;
  at: Position;
}

const LISTS = ['users', 'links', 'endedLinks', 'activity', 'removedMembers', 'invitations', 'joinRequests'] as const;

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
  if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.values(at).every((v) => typeof v === 'string')) throw invalidRequest('cursor', NOT_ISSUED);
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
