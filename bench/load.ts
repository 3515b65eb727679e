/** Load correctness: many joins at once, and a delete-all racing a stream of joins. */
import { benchPerson, tokenOf, type localApi } from './local-api.ts';
import { pool, round } from './stats.ts';

const base = '/v1/domains/demo-media-co';
const OWNER = 'owner@demo.test';

export interface LoadResult {
  joins: number;
  concurrency: number;
  succeeded: number;
  /** Answers other than 201, by status (503 is BUSY: the join gave up after its retries). */
  failures: Record<string, number>;
  distinctUsers: number;
  useCount: number;
  emailsArrived: number;
  emailsDuplicated: number;
  joinsPerSecond: number;
  race: { joinsBefore: number; joinsAfter: number; succeededAfterDeleteAll: number };
}

export async function loadTest(api: ReturnType<typeof localApi>, sesEndpoint: string, joins = 500, concurrency = 50): Promise<LoadResult> {
  const owner = await api.as(OWNER);
  await owner('PUT', `${base}/settings/invite-links`, { enabled: true });
  const created = await owner('POST', `${base}/invite-links`, { userType: 'STANDARD', primaryTeamId: 'editors' });
  const token = tokenOf(created.body.url);
  const people = Array.from({ length: joins }, () => benchPerson('load'));

  // Everyone signs in first: the load is the joins.
  await pool(people, concurrency, (p) => api.tokenFor(p.email, { givenName: p.firstName, familyName: p.lastName }));
  const started = performance.now();
  const replies = await pool(people, concurrency, (p) => api.join(token, p));
  const seconds = (performance.now() - started) / 1000;

  const listed = await owner('GET', `${base}/invite-links`);
  const useCount = listed.body.items.find((l: { id: string }) => l.id === created.body.id)?.useCount ?? -1;
  // Only those who joined get an email; waiting for the others would only run out the clock.
  const joined = people.filter((_, i) => replies[i]!.status === 201);
  const emails = await awaitEmails(sesEndpoint, joined.map((p) => p.email), 60_000);

  const failures: Record<string, number> = {};
  for (const { status } of replies) if (status !== 201) failures[status] = (failures[status] ?? 0) + 1;
  return {
    joins,
    concurrency,
    succeeded: replies.filter((r) => r.status === 201).length,
    failures,
    distinctUsers: new Set(replies.filter((r) => r.status === 201).map((r) => r.body.userId)).size,
    useCount,
    emailsArrived: emails.arrived,
    emailsDuplicated: emails.duplicated,
    joinsPerSecond: round(joins / seconds, 1),
    race: await deleteAllRace(api),
  };
}

/** Counts, per joiner, the emails whose text names them; waits until all arrived or time runs out. */
async function awaitEmails(sesEndpoint: string, joiners: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { emails } = (await (await fetch(`${sesEndpoint}/store`)).json()) as { emails: unknown[] };
    const texts = emails.map((e) => JSON.stringify(e));
    const counts = joiners.map((j) => texts.filter((t) => t.includes(j)).length);
    const arrived = counts.filter((c) => c >= 1).length;
    if (arrived === joiners.length || Date.now() > deadline) {
      return { arrived, duplicated: counts.filter((c) => c > 1).length };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Ten workers join in a loop; halfway, delete-all. No join that started after it returned may succeed. */
async function deleteAllRace(api: ReturnType<typeof localApi>) {
  const owner = await api.as(OWNER);
  const created = await owner('POST', `${base}/invite-links`, { userType: 'STANDARD', primaryTeamId: 'editors' });
  const token = tokenOf(created.body.url);
  const attempts: { startedAt: number; status: number }[] = [];
  let revokedAt = Infinity;
  const stopAt = performance.now() + 3000;
  const worker = async () => {
    while (performance.now() < stopAt) {
      const person = benchPerson('race');
      await api.tokenFor(person.email, { givenName: person.firstName, familyName: person.lastName });
      const startedAt = performance.now();
      const reply = await api.join(token, person);
      attempts.push({ startedAt, status: reply.status });
    }
  };
  const revoke = async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const reply = await owner('POST', `${base}/invite-links/revoke-all`);
    if (reply.status !== 200) throw new Error(`delete-all failed: ${reply.status}`);
    revokedAt = performance.now();
  };
  await Promise.all([...Array.from({ length: 10 }, worker), revoke()]);
  const after = attempts.filter((a) => a.startedAt > revokedAt);
  return {
    joinsBefore: attempts.filter((a) => a.startedAt <= revokedAt && a.status === 201).length,
    joinsAfter: after.length,
    succeededAfterDeleteAll: after.filter((a) => a.status === 201).length,
  };
}
