/** The Store every function uses: one per cold start, on the table named by TABLE_NAME. */
import { tableName } from '../../config.ts';
import type { LinkGuardCounts } from '../link-guard.ts';
import type { NotificationClaims } from '../notification-claims.ts';
import type { Store } from '../store.ts';
import { dynamoDb } from './client.ts';
import { dynamoStore } from './dynamo-store.ts';
import { dynamoLinkGuardCounts } from './link-guard.ts';
import { dynamoLinkStats } from './link-stats.ts';
import type { LinkStatsStore } from '../link-stats.ts';
import { dynamoNotificationClaims } from './notification-claims.ts';
import { dynamoTimers } from './timers.ts';
import type { TimerStore } from '../timers.ts';

export const store: Store = dynamoStore(dynamoDb, tableName());

/** The notifier's email claims on the same table; the notifier says when a 'sending' claim counts as a crash's leftover. */
export const notificationClaims = (policy: { staleAfterSeconds: number }): NotificationClaims => dynamoNotificationClaims(dynamoDb, tableName(), policy);

/** The guard's one-second buckets on the same table (the events feed counts guarded links' joins there). */
export const linkGuardCounts = (): LinkGuardCounts => dynamoLinkGuardCounts(dynamoDb, tableName());

/** The timers and the once-only notes on links (the timer sweep and the events feed). */
export const timerStore = (): TimerStore => dynamoTimers(dynamoDb, tableName());

/** Links' stats: the marks lookups and refused joins leave, and the counts the events feed adds up from them. */
export const linkStats: LinkStatsStore = dynamoLinkStats(dynamoDb, tableName());
