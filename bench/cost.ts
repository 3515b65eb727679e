/**
 * Dollars per million joins in AWS at us-east-1 list prices, from what the bench measured.
 * Prices as published by AWS for us-east-1 (on-demand, no free tier, no volume discounts).
 */
import { writeFileSync } from 'node:fs';
import { round } from './stats.ts';

export const PRICES = {
  httpApiPerMillionRequests: 1.0,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
  sesPerThousandEmails: 0.1,
} as const;

export interface CostInputs {
  /** The join page makes two API calls per person: lookup, then join. */
  lookup: { readUnits: number; writeUnits: number; durationMs: number };
  join: { readUnits: number; writeUnits: number; durationMs: number };
  notifier: { readUnits: number; writeUnits: number; durationMs: number; recordsPerInvocation: number };
  memoryMb: number;
}

export function costPerMillionJoins(c: CostInputs) {
  const million = 1_000_000;
  const gbSeconds = (ms: number) => (Math.max(1, Math.ceil(ms)) / 1000) * (c.memoryMb / 1024);
  const invocations = 2 + 1 / c.notifier.recordsPerInvocation;
  const lines = {
    'API Gateway HTTP API (lookup + join)': 2 * PRICES.httpApiPerMillionRequests,
    'Lambda requests (lookup, join, notifier share)': invocations * PRICES.lambdaPerMillionRequests,
    'Lambda duration (arm64)':
      million * PRICES.lambdaArmPerGbSecond * (gbSeconds(c.lookup.durationMs) + gbSeconds(c.join.durationMs) + gbSeconds(c.notifier.durationMs) / c.notifier.recordsPerInvocation),
    'DynamoDB reads (on-demand)': (c.lookup.readUnits + c.join.readUnits + c.notifier.readUnits) * PRICES.dynamoPerMillionReadUnits,
    'DynamoDB writes (on-demand)': (c.lookup.writeUnits + c.join.writeUnits + c.notifier.writeUnits) * PRICES.dynamoPerMillionWriteUnits,
    'SES (one email per join)': 1000 * PRICES.sesPerThousandEmails,
  };
  const total = Object.values(lines).reduce((a, b) => a + b, 0);
  return { lines: Object.fromEntries(Object.entries(lines).map(([k, v]) => [k, round(v, 2)])), total: round(total, 2) };
}

export function writeCostDoc(path: string, inputs: CostInputs, cost: ReturnType<typeof costPerMillionJoins>) {
  const rows = Object.entries(cost.lines)
    .map(([k, v]) => `| ${k} | $${v.toFixed(2)} |`)
    .join('\n');
  writeFileSync(
    path,
    `# What a million joins cost

Written by \`npm run bench\` from its own measurements; run it again after a change.
us-east-1 list prices, on-demand, no free tier: HTTP API $${PRICES.httpApiPerMillionRequests}/million requests;
Lambda arm64 $${PRICES.lambdaArmPerGbSecond}/GB-s and $${PRICES.lambdaPerMillionRequests}/million requests;
DynamoDB on-demand $${PRICES.dynamoPerMillionWriteUnits}/million write units and $${PRICES.dynamoPerMillionReadUnits}/million read units;
SES $${PRICES.sesPerThousandEmails}/1,000 emails.

| per join, as measured | read units | write units | Lambda duration |
| --- | --- | --- | --- |
| lookup (the join page's first call) | ${inputs.lookup.readUnits} | ${inputs.lookup.writeUnits} | ${inputs.lookup.durationMs} ms |
| join | ${inputs.join.readUnits} | ${inputs.join.writeUnits} | ${inputs.join.durationMs} ms |
| notifier (per record; ${inputs.notifier.recordsPerInvocation} record(s) per invocation assumed) | ${inputs.notifier.readUnits} | ${inputs.notifier.writeUnits} | ${inputs.notifier.durationMs} ms |

Write units are as billed: DynamoDB Local reports a transaction's writes once, AWS bills them
twice, so the bench doubles the transactional part. Lambda memory: ${inputs.memoryMb} MB. Durations
are the warm medians measured through the local front door, an upper bound of the billed handler
time (Lambda bills per 1 ms); the notifier's is taken to equal the join's.

| per million joins | dollars |
| --- | --- |
${rows}
| **total** | **$${cost.total.toFixed(2)}** |

SES dominates: the email is a tenth of a cent, everything else together is a few cents per
thousand joins. Not included: CloudWatch Logs ingestion and storage, CloudFront for the pages,
data transfer out, and the per-GB table storage.
`,
  );
}
