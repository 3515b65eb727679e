/** Admin-only writes check the caller inside the write itself; this turns the outcome into the product's errors. */
import { forbidden, notFound } from './domain/errors.ts';
import type { AdminWriteOutcome } from './store/store.ts';

export function assertAdminWriteDone(outcome: AdminWriteOutcome): void {
  if (outcome === 'not-member') throw notFound('The domain');
  if (outcome === 'not-admin') throw forbidden('Only domain admins may do this.');
}
