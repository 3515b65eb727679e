/** Activity entries as the table holds them: written by items.activity, or a join record (its MemberJoined entry). */
import { memberJoined } from '../../contract/activity.ts';
import type { ActivityEntry } from '../../contract/event-schemas.ts';
import type { JoinRecord } from '../../domain/types.ts';
import { dataOf } from './keys.ts';
import { ENTITY } from './table.ts';

export function activityOfItem(item: Record<string, unknown>): ActivityEntry {
  if (item.entityType === ENTITY.Join) return memberJoined(dataOf<JoinRecord>(item));
  return inSchemaOrder(dataOf<ActivityEntry>(item));
}

/**
 * The order of an entry's fields, which a map read back from DynamoDB does not keep: the envelope,
 * then each type's own fields, as the schemas in events/schemas.ts list them (a unit test holds
 * this to them). Written out rather than read from the schemas, so no request builds those.
 */
export const ACTIVITY_FIELD_ORDER = ['type', 'version', 'eventId', 'occurredAt', 'domainId', 'actor', 'request', 'member', 'before', 'after', 'link', 'reissuedFrom', 'replacedBy', 'invitation', 'createdBy', 'createdByEmail', 'rejoinBlocked', 'revoked', 'reason', 'pausedUntil', 'hours', 'joins', 'withinMinutes', 'burst', 'expiresAt', 'useCount', 'maxUses'];

/** Fields in the schema's order read better (type, version, eventId, ...); a field the list does not know keeps its place after them. */
function inSchemaOrder(entry: ActivityEntry): ActivityEntry {
  const fields = entry as unknown as Record<string, unknown>;
  const known = ACTIVITY_FIELD_ORDER.filter((name) => name in fields);
  const rest = Object.keys(fields).filter((name) => !ACTIVITY_FIELD_ORDER.includes(name));
  return Object.fromEntries([...known, ...rest].map((name) => [name, fields[name]])) as ActivityEntry;
}
