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

/**
 * Lookups per joining person who arrives signed out, as a newcomer does (web/src/pages/join.ts):
 * when the page opens, again right before it sends the person to the provider (stillWorks), and
 * once more when the provider sends them back, as the page loads afresh (start); then the join.
 */
export const LOOKUPS_PER_JOIN = 3;

export interface CostInputs {
  /** One lookup; a typical newcomer makes LOOKUPS_PER_JOIN of them, then one join. */
  lookup: { readUnits: number; writeUnits: number; durationMs: number };
  join: { readUnits: number; writeUnits: number; durationMs: number };
  /** emailsPerJoin: the emails one join record made the notifier send, as measured. */
  notifier: { readUnits: number; writeUnits: number; durationMs: number; recordsPerInvocation: number; emailsPerJoin: number };
  memoryMb: number;
}

export function costPerMillionJoins(c: CostInputs) {
  const million = 1_000_000;
  const gbSeconds = (ms: number) => (Math.max(1, Math.ceil(ms)) / 1000) * (c.memoryMb / 1024);
  const lookups = LOOKUPS_PER_JOIN;
  const apiCalls = lookups + 1;
  const invocations = apiCalls + 1 / c.notifier.recordsPerInvocation;
  const lines = {
    [`API Gateway HTTP API (${lookups} lookups + join)`]: apiCalls * PRICES.httpApiPerMillionRequests,
    [`Lambda requests (${lookups} lookups, join, notifier share)`]: invocations * PRICES.lambdaPerMillionRequests,
    'Lambda duration (arm64)':
      million * PRICES.lambdaArmPerGbSecond * (lookups * gbSeconds(c.lookup.durationMs) + gbSeconds(c.join.durationMs) + gbSeconds(c.notifier.durationMs) / c.notifier.recordsPerInvocation),
    'DynamoDB reads (on-demand)': (lookups * c.lookup.readUnits + c.join.readUnits + c.notifier.readUnits) * PRICES.dynamoPerMillionReadUnits,
    'DynamoDB writes (on-demand)': (lookups * c.lookup.writeUnits + c.join.writeUnits + c.notifier.writeUnits) * PRICES.dynamoPerMillionWriteUnits,
    [`SES (${c.notifier.emailsPerJoin} email${c.notifier.emailsPerJoin === 1 ? '' : 's'} per join)`]: c.notifier.emailsPerJoin * 1000 * PRICES.sesPerThousandEmails,
  };
  const total = Object.values(lines).reduce((a, b) => a + b, 0);
  return { lines: Object.fromEntries(Object.entries(lines).map(([k, v]) => [k, round(v, 2)])), total: round(total, 2) };
}

/** Lambda gives a function CPU in proportion to its memory: one vCPU at 1,769 MB. */
export const FULL_VCPU_MB = 1769;
const SETTINGS_MB = [128, 256, 512, 1024, 1769];
/** The memory a function may use at its peak: the rest is headroom for bigger pages, heap growth and the runtime. */
const MAX_MEMORY_SHARE = 0.5;
/** How much longer a warm join may take than on a whole vCPU: the bound the bench also sets on the front door's overhead. */
const MAX_WARM_JOIN_STRETCH = 1.5;

export interface MemoryInputs {
  coldStarts: { name: string; peakRssMb: number; firstInvocationCpuMs: number }[];
  underLoad: Record<string, { peakRssMb: number; warmMs: number; warmCpuMs: number; invocations: number }>;
  currentMb: number;
}

/**
 * The memory setting from what was measured: the smallest setting at which every function's peak
 * resident memory is at most half of it and a warm join, its CPU time stretched to the setting's
 * CPU share, takes at most 1.5x its time on a whole vCPU. Init (the import) runs on a whole vCPU
 * whatever the setting in on-demand Lambda; invocations, the first one included, get the share.
 */
export function memoryAdvice(m: MemoryInputs) {
  const peaks = [...m.coldStarts.map((c) => ({ name: c.name, mb: c.peakRssMb, when: 'cold start' })), ...Object.entries(m.underLoad).map(([name, u]) => ({ name, mb: u.peakRssMb, when: 'under load' }))];
  const peak = peaks.reduce((a, b) => (b.mb > a.mb ? b : a));
  const join = m.underLoad.join!;
  const firstCpu = m.coldStarts.reduce((a, b) => (b.firstInvocationCpuMs > a.firstInvocationCpuMs ? b : a));
  const settings = SETTINGS_MB.map((mb) => {
    const stretch = Math.max(1, FULL_VCPU_MB / mb);
    const warmJoinMs = join.warmMs - join.warmCpuMs + join.warmCpuMs * stretch;
    return {
      mb,
      vcpu: round(Math.min(1, mb / FULL_VCPU_MB), 2),
      peakShare: round(peak.mb / mb, 2),
      warmJoinMs: round(warmJoinMs, 1),
      warmJoinStretch: round(warmJoinMs / join.warmMs, 2),
      /** The CPU-heaviest first invocation's CPU time at this share. */
      firstInvocationCpuMs: round(firstCpu.firstInvocationCpuMs * stretch, 0),
      joinDollarsPerMillion: round(1_000_000 * PRICES.lambdaArmPerGbSecond * (mb / 1024) * (Math.ceil(warmJoinMs) / 1000), 2),
    };
  });
  const fits = settings.find((s) => s.peakShare <= MAX_MEMORY_SHARE && s.warmJoinStretch <= MAX_WARM_JOIN_STRETCH) ?? settings.at(-1)!;
  return {
    peak,
    join,
    firstInvocationCpu: { name: firstCpu.name, cpuMs: firstCpu.firstInvocationCpuMs },
    settings,
    rule: { maxMemoryShare: MAX_MEMORY_SHARE, maxWarmJoinStretch: MAX_WARM_JOIN_STRETCH },
    currentMb: m.currentMb,
    recommendedMb: fits.mb,
  };
}

export function writeCostDoc(path: string, inputs: CostInputs, cost: ReturnType<typeof costPerMillionJoins>, memory: ReturnType<typeof memoryAdvice>) {
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
| lookup (each of the ${LOOKUPS_PER_JOIN} per join) | ${inputs.lookup.readUnits} | ${inputs.lookup.writeUnits} | ${inputs.lookup.durationMs} ms |
| join | ${inputs.join.readUnits} | ${inputs.join.writeUnits} | ${inputs.join.durationMs} ms |
| notifier (per record; ${inputs.notifier.recordsPerInvocation} record(s) per invocation assumed) | ${inputs.notifier.readUnits} | ${inputs.notifier.writeUnits} | ${inputs.notifier.durationMs} ms |

Read units are as DynamoDB Local reports them. Write units are as AWS bills them: DynamoDB Local
reports 2 capacity units for any TransactWriteItems, whatever it holds, so the bench counts a
transaction's from its request: 2 per action per KB, plus 1 per KB where the item is in the
by-domain index (bench/dynamodb-meter.ts). Lambda memory: ${inputs.memoryMb} MB. Durations are the warm
medians measured through the local front door, an upper bound of the billed handler time (Lambda
bills per 1 ms); the notifier's is taken to equal the join's.

A newcomer, who arrives signed out, looks the link up ${LOOKUPS_PER_JOIN} times before joining (web/src/pages/join.ts):
when the join page opens; again right before it sends them to the provider to make an account or
sign in, so a link that ended while the page was open is said there, not after; and once more when
the provider sends them back and the page loads afresh. So a lookup's row counts ${LOOKUPS_PER_JOIN} times below (API
and Lambda requests, Lambda duration, read units), the join's once. Someone signed in already looks
it up once; someone who opens the page and leaves makes lookups but no join, and is not counted.
A link's lookup also writes its browser's visit mark for the link's stats (one conditional PutItem:
1 write unit whether or not the browser was new that day; the events feed's one UpdateItem per link
per batch that adds the marks up is not in these rows).

| per million joins | dollars |
| --- | --- |
${rows}
| **total** | **$${cost.total.toFixed(2)}** |

SES dominates: the email is a tenth of a cent, everything else together is a few cents per
thousand joins. Not included: the \`GET /v1/me\` the join page makes after sign-in (one more
API request and function invocation, not measured here), CloudWatch Logs ingestion and storage,
CloudFront for the pages, data transfer out, and the per-GB table storage.

## The memory setting

Lambda's memory setting buys CPU as much as memory: ${FULL_VCPU_MB} MB is one vCPU, ${inputs.memoryMb} MB is
${round(inputs.memoryMb / FULL_VCPU_MB, 2)} of one. By AWS's guidance an on-demand function gets a whole vCPU for its init (up to
10 s), so the import at a cold start does not depend on the setting; every invocation, the first
included, gets the share. What the bench measured, on a whole core of this machine (not a
Graviton's: read the CPU times as proportions, and confirm on Lambda with Power Tuning):

- Peak resident memory of any function: **${memory.peak.mb} MB** (${memory.peak.name}, ${memory.peak.when}). Every
  function's cold-start peak and the load runs are in bench/results.json (\`coldStarts[].peakRssMb\`,
  \`memoryRuns\`); one instance serving ${memory.join.invocations} joins in a row peaked at ${memory.join.peakRssMb} MB.
- A warm join: ${memory.join.warmMs} ms, of which ${memory.join.warmCpuMs} ms CPU; the rest is waiting for DynamoDB.
- The CPU-heaviest first invocation: ${memory.firstInvocationCpu.cpuMs} ms CPU (${memory.firstInvocationCpu.name}).

| memory | vCPU | peak memory used | warm join (CPU stretched) | that first invocation's CPU | join's Lambda duration per million |
| --- | --- | --- | --- | --- | --- |
${memory.settings.map((s) => `| ${s.mb} MB | ${s.vcpu} | ${Math.round(s.peakShare * 100)}% | ${s.warmJoinMs} ms (${s.warmJoinStretch}x) | ${s.firstInvocationCpuMs} ms | $${s.joinDollarsPerMillion.toFixed(2)} |`).join('\n')}

The rule: the smallest setting at which the peak is at most ${Math.round(memory.rule.maxMemoryShare * 100)}% of the memory (room for
larger pages, heap growth and the runtime; at the limit Lambda stops the instance) and a warm join
takes at most ${memory.rule.maxWarmJoinStretch}x its time on a whole vCPU. That is **${memory.recommendedMb} MB**; infra sets ${memory.currentMb} MB
(FUNCTION_DEFAULTS in infra/constructs/service-function.ts)${memory.currentMb === memory.recommendedMb ? ', following this measurement' : ': **not what was measured, so the bench fails until infra follows it**'}.
${whyNotLess(memory)}Memory is not what limits these functions: the setting is chosen for the CPU share, and at every
setting in the table the join's Lambda duration stays under half a dollar per million joins, against $${inputs.notifier.emailsPerJoin * 100} of email.
`,
  );
}

/** The setting below the recommended one, and what it would cost a join: why infra does not take less. */
function whyNotLess(memory: ReturnType<typeof memoryAdvice>): string {
  const at = memory.settings.findIndex((x) => x.mb === memory.recommendedMb);
  const [less, chosen] = [memory.settings[at - 1], memory.settings[at]!];
  if (!less) return '';
  const why = less.peakShare > memory.rule.maxMemoryShare ? `its peak would fill ${Math.round(less.peakShare * 100)}% of it` : `a warm join would take ${less.warmJoinStretch}x its time on a whole vCPU (${less.warmJoinMs} ms against ${chosen.warmJoinMs} ms), waiting for CPU rather than for DynamoDB`;
  return `At ${less.mb} MB ${why}; ${chosen.mb} MB costs $${(chosen.joinDollarsPerMillion - less.joinDollarsPerMillion).toFixed(2)} more per million joins in Lambda duration. `;
}
