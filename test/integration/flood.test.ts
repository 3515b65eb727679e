/** Per-client rate limits, as WAF applies them in AWS: a flood from one address is refused while others keep working. */
import { describe, expect, it } from 'vitest';
import { fromAddress } from '../support/from-address.ts';
import { useStack } from '../support/stack.ts';
import { newPerson, OWNER, when } from '../support/steps.ts';

const t = useStack({ notifier: false, clientLimits: { public: { requests: 20, windowSeconds: 60 }, join: { requests: 5, windowSeconds: 60 } } });

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

  it('joining has a tighter limit of its own per address', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const bearer = await t.tokenFor(newPerson('joiner').email, { givenName: 'Jo', familyName: 'Iner' });
    const tries = [];
    for (let i = 0; i < 7; i++) tries.push((await from('127.0.0.3', 'POST', '/v1/join', { token }, { authorization: `Bearer ${bearer}` })).status);
    expect(tries.slice(0, 5).filter((s) => s === 429)).toEqual([]);
    expect(tries.slice(5)).toEqual([429, 429]);
  });
});

