import { describe, expect, it } from 'vitest';
import { useStack } from '../support/stack.ts';
import { OWNER, when } from '../support/steps.ts';

// Nothing here reads emails or events: no stream readers polling beside the tests.
const t = useStack({ notifier: false, eventsFeed: false });

describe('a link, end to end', () => {
  it('is created by the owner, looked up and joined by a new person', async () => {
    const { token } = await when(t).linkToken(OWNER);
    expect((await when(t).lookup(token)).status).toBe(200);
    const joined = await when(t).join(token);
    expect(joined.status).toBe(201);
  });
});
