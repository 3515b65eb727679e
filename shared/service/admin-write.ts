/** Admin-only writes check the caller inside the write itself; this turns the outcome into the product's errors. */
import { busy, forbidden, lastAdmin, notFound } from '../domain/errors.ts';
import type { AdminWriteOutcome, MemberChangeOutcome } from '../store/store.ts';

export function assertAdminWriteDone(outcome: AdminWriteOutcome): void {
  if (outcome === 'not-member') throw notFound('The domain');
  if (outcome === 'not-admin') throw forbidden('Only domain admins may do this.');
}

/** True when the member change is done; false when it should be read again and retried (the member changed meanwhile). */
export function assertMemberChanged(outcome: MemberChangeOutcome, mayRetry: boolean): boolean {
  if (outcome === 'gone') throw notFound('The member');
  if (outcome === 'last-admin') throw lastAdmin();
  if (outcome === 'changed') {
    if (!mayRetry) throw busy();
    return false;
  }
  assertAdminWriteDone(outcome);
  return true;
}
