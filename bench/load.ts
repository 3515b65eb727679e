/**
 * Load correctness: many joins at once, one join sent twice by its person (a client that lost the
 * answer), and a delete-all racing a stream of joins. Overload must not lie: no join answers 500,
 * a BUSY one (503) says when to try again (Retry-After), a repeated one answers the membership.
 * The many joins are sent as the join page sends them: a BUSY answer is tried once more after its
 * Retry-After (web/src/lib/api.ts), and every person must then have joined once.
 */
import { benchPerson, tokenOf, type BenchPerson, type localApi } from './local-api.ts';
import { pool, round } from './stats.ts';

const base = '/v1/domains/demo-media-co';
const OWNER = 'owner@demo.test';

export interface LoadResult {
  joins: number;
  concurrency: number;
  succeeded: number;
  /** People whose join did not end in their membership, by the last answer's status (503 is BUSY: the join gave up after its retries, twice). */
  failures: Record<string, number>;
  /** People whose first answer was 503 BUSY, and who joined when they tried again after its Retry-After as the page does. */
  joinedOnRetry: number;
  distinctUsers: number;
  useCount: number;
  emailsArrived: number;
  emailsDuplicated: number;
  joinsPerSecond: number;
  race: { joinsBefore: number; joinsAfter: number; succeededAfterDeleteAll: number; deleteAllMs: number; deleteAllBusy: number };
  /** One person's join sent again after its answer (`after`), and another's sent again while the first was in flight (`during`). */
  repeated: { after: Repeat; during: Repeat };
  /** Every join of the load, the race's and the repeated ones included: 5xx answers by status, and BUSY ones without Retry-After. */
  answers: { joins: number; serverErrors: Record<string, number>; busy: number; busyWithoutRetryAfter: number };
}

/** Both answers' statuses in the order sent, and whether they carried the same membership. */
export type Repeat = { statuses: number[]; sameMembership: boolean };

type JoinAnswer = { status: number; body: any; retryAfter: string | null };

export async function loadTest(api: ReturnType<typeof localApi>, sesEndpoint: string, baseUrl: string, joins = 500, concurrency = 50): Promise<LoadResult> {
  const answered: JoinAnswer[] = [];
  // Through fetch, not api.join: the answer's Retry-After is part of what is checked.
  const join = async (linkToken: string, person: BenchPerson): Promise<JoinAnswer> => {
    const bearer = await api.tokenFor(person.email, { givenName: person.firstName, familyName: person.lastName });
    const res = await fetch(`${baseUrl}/v1/join`, { method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify({ token: linkToken }) });
    const text = await res.text();
    const answer = { status: res.status, body: text ? JSON.parse(text) : undefined, retryAfter: res.headers.get('retry-after') };
    answered.push(answer);
    return answer;
  };
  /** As the join page does (web/src/lib/api.ts): a BUSY answer is waited out as its Retry-After says, at most 10 s, and tried once more. */
  const joinAsThePageDoes = async (linkToken: string, person: BenchPerson): Promise<JoinAnswer & { retried: boolean }> => {
    const first = await join(linkToken, person);
    if (first.status !== 503) return { ...first, retried: false };
    await new Promise((resolve) => setTimeout(resolve, Math.min(Number(first.retryAfter ?? 1), 10) * 1000));
    return { ...(await join(linkToken, person)), retried: true };
  };
  /** A person's join ended in their membership: 201, or 200 for a retry whose first try had gone through after all. */
  const joinedBy = (r: JoinAnswer & { retried: boolean }) => r.status === 201 || (r.retried && r.status === 200);
  const owner = await api.as(OWNER);
  await owner('PUT', `${base}/settings/invite-links`, { enabled: true });
  const created = await owner('POST', `${base}/invite-links`, { userType: 'STANDARD', primaryTeamId: 'editors' });
  const token = tokenOf(created.body.url);
  const people = Array.from({ length: joins }, () => benchPerson('load'));

  // Everyone signs in first: the load is the joins.
  await pool(people, concurrency, (p) => api.tokenFor(p.email, { givenName: p.firstName, familyName: p.lastName }));
  const started = performance.now();
  const replies = await pool(people, concurrency, (p) => joinAsThePageDoes(token, p));
  const seconds = (performance.now() - started) / 1000;

  const listed = await owner('GET', `${base}/invite-links`);
  const useCount = listed.body.items.find((l: { id: string }) => l.id === created.body.id)?.useCount ?? -1;
  // Only those who joined get an email; waiting for the others would only run out the clock.
  const joined = people.filter((_, i) => joinedBy(replies[i]!));
  const emails = await awaitEmails(sesEndpoint, joined.map((p) => p.email), 60_000);

  const failures: Record<string, number> = {};
  for (const reply of replies) if (!joinedBy(reply)) failures[reply.status] = (failures[reply.status] ?? 0) + 1;
  return {
    joins,
    concurrency,
    succeeded: replies.filter(joinedBy).length,
    failures,
    joinedOnRetry: replies.filter((r) => r.retried && joinedBy(r)).length,
    distinctUsers: new Set(replies.filter(joinedBy).map((r) => r.body.userId)).size,
    useCount,
    emailsArrived: emails.arrived,
    emailsDuplicated: emails.duplicated,
    joinsPerSecond: round(joins / seconds, 1),
    repeated: { after: await repeatedJoin(api, token, join, false), during: await repeatedJoin(api, token, join, true) },
    race: await deleteAllRace(api, join),
    answers: answersOf(answered),
  };
}

/** One person joins twice through the same link: the second once the first has answered, or (`inFlight`) while it has not. */
async function repeatedJoin(api: ReturnType<typeof localApi>, token: string, join: (token: string, person: BenchPerson) => Promise<JoinAnswer>, inFlight: boolean): Promise<Repeat> {
  const person = benchPerson('again');
  await api.tokenFor(person.email, { givenName: person.firstName, familyName: person.lastName });
  const [first, again] = inFlight ? await Promise.all([join(token, person), join(token, person)]) : [await join(token, person), await join(token, person)];
  const membership = (a: JoinAnswer) => JSON.stringify(a.body && { userId: a.body.userId, domainId: a.body.domainId, email: a.body.email, teamIds: a.body.teamIds });
  return { statuses: [first.status, again.status], sameMembership: first.body?.userId !== undefined && membership(first) === membership(again) };
}

function answersOf(answered: JoinAnswer[]): LoadResult['answers'] {
  const serverErrors: Record<string, number> = {};
  for (const { status } of answered) if (status >= 500 && status !== 503) serverErrors[status] = (serverErrors[status] ?? 0) + 1;
  const busy = answered.filter((a) => a.status === 503);
  return { joins: answered.length, serverErrors, busy: busy.length, busyWithoutRetryAfter: busy.filter((a) => !a.retryAfter).length };
}

/**
 * Counts, per joiner, the signup emails to the link's creator that name them (and, so none comes
 * twice, the emails addressed to the joiner themself); waits until all arrived or time runs out.
 */
async function awaitEmails(sesEndpoint: string, joiners: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { emails } = (await (await fetch(`${sesEndpoint}/store`)).json()) as { emails: { destination: { to: string[] } }[] };
    const toCreator = emails.filter((e) => e.destination.to.includes(OWNER)).map((e) => JSON.stringify(e));
    const signups = joiners.map((j) => toCreator.filter((t) => t.includes(j)).length);
    const toJoiner = joiners.map((j) => emails.filter((e) => e.destination.to.includes(j)).length);
    const arrived = signups.filter((c) => c >= 1).length;
    if (arrived === joiners.length || Date.now() > deadline) {
      return { arrived, duplicated: joiners.filter((_, i) => signups[i]! > 1 || toJoiner[i]! > 1).length };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Ten workers join in a loop; after 1.5 s, delete-all. They go on for 1.5 s after it returned (it
 * retries while joins hold its gates), 20 s at most. No join that started after it returned may succeed.
 */
async function deleteAllRace(api: ReturnType<typeof localApi>, join: (token: string, person: BenchPerson) => Promise<JoinAnswer>) {
  const owner = await api.as(OWNER);
  const created = await owner('POST', `${base}/invite-links`, { userType: 'STANDARD', primaryTeamId: 'editors' });
  const token = tokenOf(created.body.url);
  const attempts: { startedAt: number; status: number }[] = [];
  let revokedAt = Infinity;
  let deleteAllMs = NaN;
  const started = performance.now();
  const going = () => performance.now() < Math.min(started + 20_000, Math.max(started + 3000, revokedAt + 1500));
  const worker = async () => {
    while (going()) {
      const person = benchPerson('race');
      await api.tokenFor(person.email, { givenName: person.firstName, familyName: person.lastName });
      const startedAt = performance.now();
      const reply = await join(token, person);
      attempts.push({ startedAt, status: reply.status });
    }
  };
  // An admin who gets 503 BUSY tries again a moment later (the pages do it once, after Retry-After); up to 10 times here.
  let busyAnswers = 0;
  const revoke = async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const sent = performance.now();
    for (let attempt = 1; attempt <= 10; attempt++) {
      const reply = await owner('POST', `${base}/invite-links/revoke-all`);
      if (reply.status === 200) {
        revokedAt = performance.now();
        deleteAllMs = revokedAt - sent;
        return;
      }
      if (reply.status !== 503) throw new Error(`delete-all failed: ${reply.status} ${JSON.stringify(reply.body)}`);
      busyAnswers += 1;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  await Promise.all([...Array.from({ length: 10 }, worker), revoke()]);
  const after = attempts.filter((a) => a.startedAt > revokedAt);
  return {
    joinsBefore: attempts.filter((a) => a.startedAt <= revokedAt && a.status === 201).length,
    joinsAfter: after.length,
    succeededAfterDeleteAll: after.filter((a) => a.status === 201).length,
    /** How long the delete-all took among the joins: it is the one that retries when they hold its gates. */
    deleteAllMs: Math.round(deleteAllMs),
    /** Times it answered 503 BUSY (it had collided with joins on every one of its attempts) before it went through. */
    deleteAllBusy: busyAnswers,
  };
}

/** Waits until the local SES has received no email for six seconds: the notifier has caught up, its retries included. */
export async function quiet(sesEndpoint: string) {
  let last = -1;
  let still = 0;
  const deadline = Date.now() + 60_000;
  while (still < 12 && Date.now() < deadline) {
    const { emails } = (await (await fetch(`${sesEndpoint}/store`)).json()) as { emails: unknown[] };
    still = emails.length === last ? still + 1 : 0;
    last = emails.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
