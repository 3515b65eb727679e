/** The public routes are throttled like API Gateway does it: a rate with a burst, and its own answer. */
import { describe, expect, it } from 'vitest';
import { useStack } from '../support/stack.ts';
import { when } from '../support/steps.ts';

// One token an hour after the burst: however slow the machine, no token comes back during the test (the rate is the bucket's arithmetic; the burst and the answer are what is tested).
const t = useStack({ throttle: { rateLimit: 1 / 3600, burstLimit: 3 }, notifier: false, eventsFeed: false });

describe('too many attempts', () => {
  it('beyond the burst, the public routes answer 429 as API Gateway does', async () => {
    const token = 'B'.repeat(43);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await when(t).lookup(token)).status);
    expect(statuses).toEqual([404, 404, 404, 429, 429]);
    const limited = await when(t).lookup(token);
    expect(limited.headers.get('content-type')).toBe('application/json');
    expect(limited.body).toEqual({ message: 'Too Many Requests' });
  });

  it('signed-in routes are not throttled by the public limit', async () => {
    for (let i = 0; i < 5; i++) expect((await t.as('owner@demo.test').get('/v1/me')).status).toBe(200);
  });
});
