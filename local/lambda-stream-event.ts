/**
 * What Lambda's event source mapping does to a DynamoDB stream record before the function sees
 * it: the record's shape, and the filter pattern. The local stream reader uses both.
 */
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import type { RecordFilter } from '#shared/streams/consumers.ts';
import { LOCAL_AWS } from './services.ts';

/** The record as Lambda hands it to the function. */
export function lambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const { ApproximateCreationDateTime, ...dynamodb } = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: LOCAL_AWS.region,
    eventSourceARN: streamArn,
    ...(record.userIdentity ? { userIdentity: record.userIdentity } : {}),
    dynamodb: {
      ...(dynamodb as NonNullable<DynamoDBRecord['dynamodb']>),
      ...(ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(ApproximateCreationDateTime.getTime() / 1000) } : {}),
    },
  };
}

/**
 * The part of Lambda's filter pattern language the consumers' filters use: nested keys, and arrays of
 * exact values (the event's value must equal one of them). Anything else is refused, not guessed.
 */
export function matchesFilter(pattern: RecordFilter, event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = (event as Record<string, unknown>)[key];
    if (!Array.isArray(expected)) return matchesFilter(expected as RecordFilter, actual);
    if (expected.some((v) => typeof v === 'object' && v !== null)) {
      throw new Error(`filter operator at "${key}" is not supported by the local stream reader`);
    }
    return (expected as unknown[]).includes(actual);
  });
}
