/** Activity entries as the table holds them: written by items.activity, or a join record (its MemberJoined entry). */
import { memberJoined } from '../../events/activity.ts';
import { EVENT_DETAILS, type ActivityEntry, type EventType } from '../../events/schemas.ts';
import type { JoinRecord } from '../../domain/types.ts';
import { dataOf } from './keys.ts';
import { ENTITY } from './table.ts';

export function activityOfItem(item: Record<string, unknown>): ActivityEntry {
  if (item.entityType === ENTITY.Join) return memberJoined(dataOf<JoinRecord>(item));
  return inSchemaOrder(dataOf<ActivityEntry>(item));
}

/** A map comes back from DynamoDB in no particular order: fields in the schema's order read better (version, eventId, ...). */
function inSchemaOrder(entry: ActivityEntry): ActivityEntry {
  const shape = EVENT_DETAILS[entry.type as EventType]?.def.shape as Record<string, unknown> | undefined;
  if (!shape) return entry;
  const fields = entry as unknown as Record<string, unknown>;
  const known = Object.keys(shape).filter((name) => name in fields);
  const rest = Object.keys(fields).filter((name) => name !== 'type' && !(name in shape));
  return Object.fromEntries([['type', entry.type], ...[...known, ...rest].map((name) => [name, fields[name]])]) as ActivityEntry;
}
