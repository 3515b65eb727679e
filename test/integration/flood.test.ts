/** Per-client rate limits, as WAF applies them in AWS: a flood from one address is refused while others keep working. */
import { describe, expect, it } from 'vitest';
import { fromAddress } from '../support/from-address.ts';
import { useStack } from '../support/stack.ts';
import { newPerson, OWNER, when } from '../support/steps.ts';

// Smaller than the real limits (CLIENT_LIMITS), in the same proportions: an office's wave far above one person's tries.
const t = useStack({
  notifier: false,
  clientLimits: { public: { perAddress: { requests: 20, windowSeconds: 60 } }, join: { perAddress: { requests: 40, windowSeconds: 600 }, perPerson: { requests: 3, windowSeconds: 60 } } },
});

const from = (address: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  fromAddress(t.stack.url, address, method, path, body, headers);

describe('one noisy client cannot lock others out', () => {
  it('a flood of lookups from one address gets 429 with Retry-After, while a visitor from another address keeps working', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const flood = await Promise.all(Array.from({ length: 60 }, () => from('127.0.0.2', 'POST', '/v1/join/lookup', { token: 'B'.repeat(43) })));
    const limited = flood.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(40);
    // WAF's custom response: the problem body, sent as application/json (the one header WAF cannot set).
    expect(limited[0]).toMatchObject({ type: 'application/json', body: { status: 429, code: 'RATE_LIMITED' } });
    expect(Number(limited[0]!.retryAfter)).toBeGreaterThan(0);

    const visitor = await Promise.all(Array.from({ length: 10 }, () => from('127.0.0.1', 'POST', '/v1/join/lookup', { token })));
    expect(visitor.map((r) => r.status)).toEqual(Array(10).fill(200));
  });

  it('one person retrying a join is refused after a few tries, while others joining from the same address go on', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const bearer = await t.tokenFor(newPerson('joiner').email, { givenName: 'Jo', familyName: 'Iner' });
    const tries = [];
    for (let i = 0; i < 5; i++) tries.push((await from('127.0.0.3', 'POST', '/v1/join', { token }, { authorization: `Bearer ${bearer}` })).status);
    // The same person again answers their membership (200: a repeated join) until the per-person limit.
    expect(tries).toEqual([201, 200, 200, 429, 429]);
    const colleague = await t.tokenFor(newPerson('colleague').email, { givenName: 'Col', familyName: 'League' });
    expect((await from('127.0.0.3', 'POST', '/v1/join', { token }, { authorization: `Bearer ${colleague}` })).status).toBe(201);
  });

  it('an office behind one address onboards a whole wave, each colleague with their own count, up to the address\'s ceiling', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const office = async () => {
      const person = newPerson('office');
      const bearer = await t.tokenFor(person.email, { givenName: person.firstName, familyName: person.lastName });
      return (await from('127.0.0.4', 'POST', '/v1/join', { token }, { authorization: `Bearer ${bearer}` })).status;
    };
    const wave = [];
    for (let i = 0; i < 40; i++) wave.push(await office());
    expect(wave).toEqual(Array(40).fill(201));
    // Past the address's ceiling: one address cannot join without end.
    expect(await office()).toBe(429);
  });
});

