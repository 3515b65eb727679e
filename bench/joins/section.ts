/**
 * The bench's section of joins under contention: its domain and links seeded as the service makes
 * them, the rates climbed (joins.ts), each rate judged against the targets (targets.ts), and the
 * state of the stack's emulations it ran under.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NO_IAM } from '../../local/iam/emulation.ts';
import type { LocalStack } from '../../local/stack.ts';
import { fromStreamEnd, startStreamReader } from '../../local/stream-reader.ts';
import { PARTITION_LIMITS, THROUGHPUT_ON } from '../../local/throughput-emulation.ts';
import { STREAM_CONSUMERS } from '../../shared/streams/consumers.ts';
import { joinContention } from '../joins.ts';
import type { localApi } from '../local-api.ts';
import type { seeder } from '../seed.ts';
import { judgeJoins } from '../targets.ts';
import { throughputOn } from './emulations.ts';
import type { Arrivals } from './open-loop.ts';

export const JOIN_DOMAIN = 'bench-joins';
const SPREAD_LINKS = 50;

export interface SectionSettings {
  rates: number[];
  seconds: number;
  climbSeconds: number;
  windows: number;
  arrivals: Arrivals;
}

/** The contention scenarios' domain and links, also joined by the memory run. */
export async function contentionLinks(seed: ReturnType<typeof seeder>) {
  await seed.domain(JOIN_DOMAIN);
  const [warmUpLink, baselineLink, ...joinLinks] = await seed.links(JOIN_DOMAIN, SPREAD_LINKS + 2);
  // A guard the windows never reach (at most one window of joins at one rate): it counts every join and pauses nothing.
  const [guardedLink] = await seed.links(JOIN_DOMAIN, 1, { pauseAfter: { joins: 10_000, withinMinutes: 1 } });
  const [feedLink] = await seed.links(JOIN_DOMAIN, 1);
  return { warmUpLink: warmUpLink!, baselineLink: baselineLink!, joinLinks, guardedLink: guardedLink!, feedLink: feedLink! };
}

export async function contentionSection(
  s: SectionSettings,
  { api, dynamoDb, dynamoEndpoint, stack, links }: { api: ReturnType<typeof localApi>; dynamoDb: DynamoDBDocumentClient; dynamoEndpoint: string; stack: LocalStack; links: Awaited<ReturnType<typeof contentionLinks>> },
) {
  const iam = stack.iam !== NO_IAM;
  // The stack's own state, not the bench's wish: IAM as the stack enforces it, the throughput emulation as it is on the handlers' client.
  const emulations = {
    conflicts: 'off and on in turn, per scenario',
    iam: iam ? 'on' : 'off',
    throughput: THROUGHPUT_ON && throughputOn(dynamoDb) ? `on (${PARTITION_LIMITS.writeUnits} WCU, ${PARTITION_LIMITS.readUnits} RCU per partition key per second)` : 'off',
  };
  const contention = await joinContention({
    api,
    handlerClient: dynamoDb,
    dynamoEndpoint,
    table: stack.tableName,
    domainId: JOIN_DOMAIN,
    links: links.joinLinks,
    warmUpLink: links.warmUpLink,
    baselineLinkId: links.baselineLink.id,
    rates: s.rates,
    climbSeconds: s.climbSeconds,
    iam,
    maxUncontendedP99Ms: 250,
    seconds: s.seconds,
    windows: s.windows,
    arrivals: s.arrivals,
    judge: (scenarios) => judgeJoins(scenarios).misses,
    guarded: {
      link: links.guardedLink,
      unguarded: links.feedLink,
      withGuard: async (work) => {
        // Started at the stream's end: the events of the bench's earlier sections are not this load.
        const consumer = fromStreamEnd(STREAM_CONSUMERS.eventsFeed);
        const feed = await startStreamReader({ streamArn: stack.streamArn, dynamoEndpoint, tableName: stack.tableName, consumer, iam: stack.iam });
        try {
          const joined = await work();
          const { dynamoLinkGuardCounts } = await import('../../shared/store/dynamodb/link-guard.ts');
          const guard = dynamoLinkGuardCounts(dynamoDb, stack.tableName);
          const counted = async () => (await guard.between(links.guardedLink.id, '0000', '9999')).joins.length;
          // The feed reads behind the joins: give it up to a minute to catch up with the last window.
          for (let waited = 0; (await counted()) < joined && waited < 60_000; waited += 500) await new Promise((resolve) => setTimeout(resolve, 500));
          return counted();
        } finally {
          await feed.stop();
        }
      },
    },
  });
  return {
    rate: contention.rate,
    linkCounters: links.joinLinks[0]!.counters,
    emulations,
    // The targets must hold at the first rate; a higher one that misses them only bounds the rate reported.
    misses: contention.runs[0]!.misses,
    joins: contention.runs.flatMap((r) => r.scenarios),
    joinRates: contention.runs.map((r) => ({ rate: r.rate, met: r.misses.length === 0, misses: r.misses, firstMisses: r.firstMisses, checks: judgeJoins(r.scenarios).checks })),
  };
}
