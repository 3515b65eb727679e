/** The Store every function uses: one per cold start, on the table named by TABLE_NAME. */
import { tableName } from '../../config.ts';
import type { LinkGuardCounts } from '../link-guard.ts';
import type { NotificationClaims } from '../notification-claims.ts';
import type { Store } from '../store.ts';
import { dynamoDb } from './client.ts';
import { dynamoStore } from './dynamo-store.ts';
import { dynamoLinkGuardCounts } from './link-guard.ts';
import { dynamoNotificationClaims } from './notification-claims.ts';

export const store: Store = dynamoStore(dynamoDb, tableName());

/** The notifier's email claims on the same table; the notifier says when a 'sending' claim counts as a crash's leftover. */
export const notificationClaims = (policy: { staleAfterSeconds: number }): NotificationClaims => dynamoNotificationClaims(dynamoDb, tableName(), policy);

/** The guard's one-second buckets on the same table (the events feed counts guarded links' joins there). */
export const linkGuardCounts = (): LinkGuardCounts => dynamoLinkGuardCounts(dynamoDb, tableName());
