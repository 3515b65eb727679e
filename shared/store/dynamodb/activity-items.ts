/** Activity entries as the table holds them: written by items.activity, or a join record (its MemberJoined entry). */
import { memberJoined } from '../../events/activity.ts';
import type { ActivityEntry } from '../../events/schemas.ts';
import type { JoinRecord } from '../../domain/types.ts';
import { dataOf } from './keys.ts';
import { ENTITY } from './table.ts';

export function activityOfItem(item: Record<string, unknown>): ActivityEntry {
  if (item.entityType === ENTITY.Join) return memberJoined(dataOf<JoinRecord>(item));
  return dataOf<ActivityEntry>(item);
}
