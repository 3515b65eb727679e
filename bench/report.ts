/** The bench's printed report: one table per section run (BENCH_ONLY may leave some out), then the summary against the targets. */
import { modelTable } from './joins/model-table.ts';
import { round } from './stats.ts';

const table = (title: string, rows: Record<string, unknown>[]) => {
  console.log(`\n${title}`);
  console.table(rows);
};

export function report(r: any) {
  if (r.joins) contention(r);
  if (r.lists) lists(r);
  if (r.coldStarts) coldStarts(r);
  if (r.memoryRuns && r.memory) memory(r);
  if (r.work && r.scaling) work(r);
  if (r.latency) latency(r);
  if (r.load) load(r);
  if (r.cost) table('8. Cost per million joins (us-east-1 list prices; docs/cost.md)', [...Object.entries(r.cost.lines).map(([k, v]) => ({ item: k, dollars: v })), { item: 'total', dollars: r.cost.total }]);
  console.log(`\n${r.minutes} minutes; load average ${r.machine.loadAverageAtStart} at the start, ${r.machine.loadAverageAtEnd} at the end.`);
}

function contention(r: any) {
  const e = r.settings.joinEmulations ?? {};
  table(
    `1. Joins under contention: open loop, ${r.settings.joinRates.join(', then ')} joins/s while every target holds (${r.settings.joinArrivals} arrivals), ${r.settings.joinWindows ?? 1} windows of ${r.settings.joinSeconds} s per scenario at the first rate and one of ${r.settings.joinClimbSeconds ?? r.settings.joinSeconds} s at the others (two where the first missed), into one domain, links of ${r.settings.joinLinkCounters ?? '?'} counters; emulations: conflict ${e.conflicts ?? '?'}, IAM ${e.iam ?? '?'}, partition throughput ${e.throughput ?? '?'}; latency from each join's scheduled start, pooled over the windows`,
    r.joins.map((s: any) => ({
      rate: s.rate,
      scenario: s.name,
      succeeded: `${s.succeeded}/${s.joins}${Object.keys(s.failures).length ? ` ${JSON.stringify(s.failures)}` : ''}`,
      'conflicts /100': s.conflictsPer100,
      'on (per 100)': Object.entries(s.conflictsOnPer100 ?? {}).map(([kind, n]) => `${kind} ${n}`).join(', ') || '—',
      'attempts max (mean)': `${s.attemptsMax} (${s.attemptsMean})`,
      'p50 ms': s.p50,
      'p99 ms': s.p99,
      'p99 per window': (s.windows ?? []).map((w: any) => w.p99).join(' / '),
      'max ms': s.max,
      'CPU busy / others / stolen': `${s.machineBusy}% / ${s.othersBusy}% / ${s.steal}%`,
    })),
  );
  table(
    '   against the targets, per rate',
    r.joinRates.flatMap((x: any) =>
      x.checks.map((c: any) => ({
        rate: x.rate,
        scenario: c.scenario,
        'p99 ms': c.p99,
        'under 3x p50 off': c.withinThreeP50 ? 'yes' : `no (${round(3 * c.uncontendedP50, 1)})`,
        'p99 must be under (3x p50 or 1.5x p99, emulation off)': c.p99Bound,
        'conflicts below the old footprint': `${c.conflictReduction}x`,
        'rate met every target': x.met,
      })),
    ),
  );
  table(
    '   the emulations per scenario, as they were while it ran (throttles and IAM decisions count every client in the process)',
    r.joins.map((s: any) => {
      const m = s.emulations;
      if (!m) return { rate: s.rate, scenario: s.name, emulations: 'not recorded' };
      const throttled = Object.values(m.throttled as Record<string, number>).reduce((a, b) => a + b, 0);
      return {
        rate: s.rate,
        scenario: s.name,
        conflict: `${m.conflicts ? 'on' : 'off'}, ${s.emulationCancelled} cancelled`,
        'IAM decisions (denied)': m.iam ? `${m.iamChecked} (${m.iamDenied})` : 'none: bare calls, no function',
        'throughput: throttled': m.throughput ? `${throttled}${throttled ? ` ${JSON.stringify(m.throttled)}` : ''}${m.unprocessedItems ? `, ${m.unprocessedItems} unprocessed` : ''}` : 'off',
        'busiest partition: peak WCU in a second': m.busiest ? `${m.busiest.partition}: ${m.busiest.peakWcu} of ${m.busiest.limit}` : '—',
      };
    }),
  );
  console.log(`   highest rate that met every target: ${r.joinRates.some((x: any) => x.met) ? `${r.settings.joinRate}/s` : `none (${r.settings.joinRates[0]}/s missed)`}`);
  for (const x of r.joinRates.filter((y: any) => y.firstMisses)) console.log(`   at ${x.rate}/s, measured once more after its first windows missed (${x.firstMisses.join('; ')}): ${x.met ? 'met on both pooled' : 'missed on both pooled'}`);
  for (const x of r.joinRates.filter((y: any) => !y.met)) console.log(`   at ${x.rate}/s: ${x.misses.join('; ')}`);
  const model = modelTable();
  if ('missing' in model) {
    console.log(`\n   the model's AWS table: ${model.missing}`);
  } else {
    table(`   ${model.note}`, model.rows);
    for (const t of model.targets) console.log(`   model target ${t}`);
  }
}

function lists(r: any) {
  table(
    '2. Lists at scale: first page (default limit 50), median of tries, against a domain of 50',
    r.lists.map((l: any) => ({
      list: l.list,
      items: l.items,
      'first page ms': l.firstPageMs,
      'small domain ms': l.smallFirstPageMs,
      ratio: `${l.ratio}x`,
      'largest page KB': round(l.largestPageBytes / 1024, 1),
      'full walk (limit 100)': `${l.walk.pages} pages, ${l.walk.distinct}/${l.items} distinct, ${l.walk.seconds} s`,
    })),
  );
}

function coldStarts(r: any) {
  table(
    '3. Cold start: bundled as deployed, fresh process, paired with a bare handler importing the same SDK clients and sending the same requests (medians; each phase\'s ratio without the collector\'s pauses, the whole with them)',
    r.coldStarts.map((c: any) => ({
      function: c.name,
      KB: c.bundleKb,
      'first invocation sends': c.calls,
      rounds: c.rounds,
      'import ms (bare)': `${c.importMs} (${c.bareImportMs})`,
      'import x': c.importRatio,
      'first call ms (bare)': `${c.invokeMs} (${c.bareInvokeMs})`,
      'first call x': c.invokeRatio,
      'GC ms import/call (bare)': `${c.gcMs.import}/${c.gcMs.invoke} (${c.gcMs.bareImport}/${c.gcMs.bareInvoke})`,
      'whole x': c.coldStartRatio,
      'peak MB': c.peakRssMb,
    })),
  );
}

function memory(r: any) {
  table(
    '4. Memory: peak resident memory of one instance (one process) serving invocations one after another',
    Object.entries(r.memoryRuns).map(([name, m]: [string, any]) => ({ function: name, invocations: m.invocations, 'peak MB': m.peakRssMb, 'warm ms': m.warmMs, 'warm CPU ms': m.warmCpuMs })),
  );
  table(
    `   memory settings (recommended: ${r.memory.recommendedMb} MB; infra: ${r.memory.currentMb} MB)`,
    r.memory.settings.map((s: any) => ({
      MB: s.mb,
      vCPU: s.vcpu,
      'peak used': `${Math.round(s.peakShare * 100)}%`,
      'warm join ms': `${s.warmJoinMs} (${s.warmJoinStretch}x)`,
      'first call CPU ms': s.firstInvocationCpuMs,
      'join $/million': s.joinDollarsPerMillion,
    })),
  );
}

function work(r: any) {
  table(
    '5. DynamoDB work per operation (counted by an SDK middleware) and what its transaction holds',
    Object.entries(r.work).map(([op, w]: [string, any]) => ({ operation: op, requests: w.requests, 'round trips': w.roundTrips, RCU: w.readUnits, WCU: w.writeUnits, calls: repeatsOnce(w.commands), holds: w.holds })),
  );
  table(
    '   delete-all and disable with 10 and 10,000 links',
    Object.entries(r.scaling).flatMap(([op, byCount]: [string, any]) =>
      Object.entries(byCount).map(([links, w]: [string, any]) => ({ operation: op, links, requests: w.requests, RCU: w.readUnits, WCU: w.writeUnits, holds: w.holds })),
    ),
  );
}

function latency(r: any) {
  table(
    '6. Warm latency, ms (front door vs the same DynamoDB calls made directly)',
    Object.entries(r.latency).map(([op, l]: [string, any]) => ({ operation: op, 'API p50': l.apiMedian, 'API p99': l.apiP99, 'direct p50': l.directMedian, 'direct p99': l.directP99, overhead: `${l.overhead}x` })),
  );
}

function load(r: any) {
  const repeat = (x: any, joined: string) => (x ? `${x.statuses.join(joined)}, ${x.sameMembership ? 'the same membership' : 'NOT the same membership'}` : '—');
  const a = r.load.answers;
  table('7. Load', [
    {
      check: 'joins succeeded (a 503 tried once more, as the page does)',
      value: `${r.load.succeeded}/${r.load.joins} (${r.load.concurrency} at a time; ${r.load.joinedOnRetry ?? 0} on the second try)${Object.keys(r.load.failures).length ? ` ${JSON.stringify(r.load.failures)}` : ''}`,
    },
    { check: 'use count', value: r.load.useCount },
    { check: 'emails arrived / twice', value: `${r.load.emailsArrived} / ${r.load.emailsDuplicated}` },
    { check: 'joins per second', value: r.load.joinsPerSecond },
    { check: 'joins succeeded after delete-all returned', value: `${r.load.race.succeededAfterDeleteAll} of ${r.load.race.joinsAfter} (delete-all took ${r.load.race.deleteAllMs} ms among the joins, ${r.load.race.deleteAllBusy} answers 503)` },
    { check: 'a join sent again after its answer', value: repeat(r.load.repeated?.after, ' then ') },
    { check: 'a join sent again while the first was in flight', value: repeat(r.load.repeated?.during, ' and ') },
    { check: 'joins answered 5xx but 503 / 503 BUSY (without Retry-After)', value: a ? `${Object.keys(a.serverErrors).length ? JSON.stringify(a.serverErrors) : 'none'} / ${a.busy} (${a.busyWithoutRetryAfter}) of ${a.joins}` : '—' },
  ]);
}

/** Commands in order, a run of the same one written once with its count: `TransactWriteItems GetItem UpdateItem ×64`. */
function repeatsOnce(commands: string[]): string {
  const runs: [string, number][] = [];
  for (const c of commands) {
    const last = runs.at(-1);
    if (last && last[0] === c) last[1] += 1;
    else runs.push([c, 1]);
  }
  return runs.map(([c, n]) => (n > 1 ? `${c} ×${n}` : c)).join(' ');
}

