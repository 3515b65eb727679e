/** The Store every function uses: one per cold start, on the table named by TABLE_NAME. */
import { tableName } from '../../config.ts';
import type { Store } from '../store.ts';
import { dynamoDb } from './client.ts';
import { dynamoStore } from './dynamo-store.ts';

export const store: Store = dynamoStore(dynamoDb, tableName());
