/**
 * The model's AWS table (bench/model-results.json, written by `npm run model`), for the report to
 * print beside the contention section. The model changes under its own hands: every field is read
 * as maybe absent, and whatever else a row holds is shown as it is.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';

export const MODEL_RESULTS = new URL('../model-results.json', import.meta.url);

export type ModelTable = { missing: string } | { note: string; rows: Record<string, unknown>[]; targets: string[] };

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const shown = (v: unknown) => (v === undefined || v === null ? '—' : typeof v === 'number' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));
/** Row fields shown in their own columns below; any other plain field is shown under its own name. */
const KNOWN = new Set(['rate', 'links', 'joins', 'succeeded', 'successShare', 'conflictsPer100', 'attemptsMean', 'attemptsMax', 'throttles', 'p50', 'p99', 'busiest']);

export function modelTable(file: URL = MODEL_RESULTS): ModelTable {
  if (!existsSync(file)) return { missing: 'bench/model-results.json is missing: `npm run model` writes it' };
  let model: any;
  try {
    model = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { missing: `bench/model-results.json could not be read: ${(error as Error).message}` };
  }
  const aws = model?.aws;
  if (!Array.isArray(aws?.rows)) return { missing: 'bench/model-results.json has no AWS table (aws.rows)' };
  const p = aws.params ?? {};
  const transaction = num(p.transaction?.median);
  const written = statSync(file).mtime.toISOString().slice(0, 16).replace('T', ' ');
  const calibrated = typeof model.calibration?.passed === 'boolean' ? `, its calibration against this bench's runs ${model.calibration.passed ? 'passed' : 'failed'}` : '';
  const note = [
    `the model's AWS table (bench/model-results.json of ${written} UTC, \`npm run model\`): the same open-loop joins into one domain simulated on AWS's DynamoDB`,
    transaction !== undefined ? `, a transaction holding its items for a median ${transaction.toFixed(1)} ms` : '',
    p.conflicts !== undefined ? `, conflicts ${p.conflicts ? 'on' : 'off'}` : '',
    num(p.writeLimit) !== undefined ? `, ${p.writeLimit} WCU per partition key per second` : '',
    num(p.linkCounters) !== undefined ? `, ${p.linkCounters} counters per link` : '',
    num(p.activityPartitions) !== undefined ? `, activity over ${p.activityPartitions} partitions` : '',
    num(p.memberIndexPartitions) !== undefined ? `, member index over ${p.memberIndexPartitions}` : '',
    num(p.seconds) !== undefined ? `, ${p.seconds} s per rate` : '',
    calibrated,
  ].join('');
  const rows = (aws.rows as unknown[]).filter((r): r is Record<string, any> => typeof r === 'object' && r !== null).map((r) => {
    const share = num(r.successShare);
    const busiest = r.busiest && typeof r.busiest === 'object' ? `${shown(r.busiest.partition)}: ${shown(r.busiest.peakWcu)} of ${shown(r.busiest.limit)}` : shown(r.busiest);
    const others = Object.fromEntries(Object.entries(r).filter(([k, v]) => !KNOWN.has(k) && (typeof v !== 'object' || v === null)));
    return {
      rate: shown(r.rate),
      shape: num(r.links) === 1 ? 'one link' : num(r.links) !== undefined ? `${r.links} links` : '—',
      succeeded: r.succeeded !== undefined && r.joins !== undefined ? `${r.succeeded}/${r.joins}` : share !== undefined ? `${Math.round(share * 1000) / 10}%` : '—',
      'conflicts /100': shown(r.conflictsPer100),
      'attempts max (mean)': r.attemptsMax !== undefined ? `${r.attemptsMax} (${shown(r.attemptsMean)})` : '—',
      throttled: shown(r.throttles),
      'p50 ms': shown(r.p50),
      'p99 ms': shown(r.p99),
      'busiest partition: peak WCU in a second': busiest,
      ...others,
    };
  });
  const targets = Array.isArray(model.targets?.rows)
    ? (model.targets.rows as any[]).map((t) => `${shown(t?.target)}: ${t?.holds === true ? 'holds' : t?.holds === false ? 'missed' : '—'}${t?.detail ? ` (${t.detail})` : ''}`)
    : [];
  return { note, rows, targets };
}
