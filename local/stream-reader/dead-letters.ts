/**
 * The on-failure destination: what Lambda sends to SQS when a batch fails every retry or its
 * records are too old, here a JSONL file (or memory), with the failed records themselves.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import type { IamEmulation } from '../iam/emulation.ts';

/** Shaped like the on-failure message Lambda sends to SQS, plus (locally) the failed records themselves. */
export interface DeadLetter {
  requestContext: { requestId: string; functionArn: string; condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded'; approximateInvokeCount: number };
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
  /** Local only: the records the handler reported failed on its last attempt; `{Records: records}` replays them. */
  records: DynamoDBRecord[];
}

/** Why a batch is given up, and how often it was tried. */
export type GiveUp = Pick<DeadLetter['requestContext'], 'condition' | 'approximateInvokeCount'> & { functionError?: string };

export function deadLetters(o: { consumerName: string; streamArn: string; iam: IamEmulation; dlqFile?: string }) {
  const label = `[${o.consumerName}]`;
  const dlq: DeadLetter[] = [];
  return {
    /** Every dead letter of this reader's life. */
    dlq,
    async send(shardId: string, batch: DynamoDBRecord[], failed: DynamoDBRecord[], letter: GiveUp): Promise<void> {
      const arrival = (r: DynamoDBRecord) => new Date((r.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000).toISOString();
      const entry: DeadLetter = {
        requestContext: { requestId: randomUUID(), functionArn: `local:function:${o.consumerName}`, condition: letter.condition, approximateInvokeCount: letter.approximateInvokeCount },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(letter.functionError ? { functionError: letter.functionError } : {}) },
        version: '1.0',
        timestamp: new Date().toISOString(),
        DDBStreamBatchInfo: {
          shardId,
          startSequenceNumber: batch[0]!.dynamodb!.SequenceNumber!,
          endSequenceNumber: batch.at(-1)!.dynamodb!.SequenceNumber!,
          approximateArrivalOfFirstRecord: arrival(batch[0]!),
          approximateArrivalOfLastRecord: arrival(batch.at(-1)!),
          batchSize: batch.length,
          streamArn: o.streamArn,
        },
        records: failed,
      };
      // Lambda sends the failure to the on-failure destination with the function's role.
      const destination = o.iam.onFailureDestination(o.consumerName);
      if (destination) o.iam.authorize(o.consumerName, [{ action: 'sqs:SendMessage', resources: [destination] }]);
      dlq.push(entry);
      const sequenceNumbers = failed.map((r) => r.dynamodb?.SequenceNumber).join(', ');
      if (o.dlqFile) {
        await mkdir(dirname(o.dlqFile), { recursive: true });
        await appendFile(o.dlqFile, `${JSON.stringify(entry)}\n`);
        console.error(`${label} ${letter.condition}: record(s) ${sequenceNumbers} written to ${o.dlqFile}`);
      } else {
        console.error(`${label} ${letter.condition}: record(s) ${sequenceNumbers} kept in the in-memory dead-letter list`);
      }
    },
  };
}
