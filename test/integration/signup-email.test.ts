/**
 * What the join emails say, read from the local SES as their recipients would: times written the
 * way the pages write them, with the zone (UTC) named, and, for a link with a use limit, how many
 * uses it has left.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/events.ts';
import { useStack } from '../support/stack.ts';
import { OWNER, when } from '../support/steps.ts';

const t = useStack();

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
  body: { text: string; html: string };
}

const run = randomUUID().slice(0, 8);
let count = 0;
const person = () => ({ email: `times-${run}-${++count}@example.test`, firstName: 'Tia', lastName: `Zone ${count}` });

/** The one email to `to` that names `about`, once it has arrived. */
async function emailTo(to: string, about: string): Promise<StoredEmail> {
  const find = async () => {
    const { emails } = (await (await fetch(`${t.sesEndpoint}/store`)).json()) as { emails: StoredEmail[] };
    return emails.filter((e) => e.destination.to.includes(to) && e.body.text.includes(about));
  };
  const [email] = await eventually(find, (found) => found.length > 0, 20_000);
  return email!;
}

async function joined(token: string) {
  const joiner = person();
  const res = await when(t).join(token, joiner);
  expect(res.status).toBe(201);
  return joiner;
}

/** "12 Mar 2026, 14:05 UTC". */
const UTC_TIME = /\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC/;

describe('the signup email', () => {
  it('says when the person joined and when the link expires, with the zone named', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const joiner = await joined(token);
    const { text, html } = (await emailTo(OWNER, joiner.email)).body;
    expect(text).toMatch(new RegExp(`Joined: ${UTC_TIME.source}`));
    expect(text).toMatch(new RegExp(`Link expires: ${UTC_TIME.source}`));
    expect(html).toMatch(UTC_TIME);
    // A link without a limit has no uses to count down.
    expect(text).not.toContain('Uses left');
  });

  it('says how many uses a link with a limit has left, after each join', async () => {
    const { token } = await when(t).linkToken(OWNER, { userType: 'STANDARD', primaryTeamId: 'producers', maxUses: 3 });
    const first = await joined(token);
    expect((await emailTo(OWNER, first.email)).body.text).toContain('Uses left: 2 of 3');
    const second = await joined(token);
    const third = await joined(token);
    expect((await emailTo(OWNER, second.email)).body.text).toMatch(/Uses left: (1 of 3|none of 3: the link is used up)/);
    const last = await emailTo(OWNER, third.email);
    expect(last.body.text).toContain('Uses left: none of 3: the link is used up');
    expect(last.body.html).toContain('<th align="left">Uses left</th><td>none of 3: the link is used up</td>');
  });
});

describe('the welcome email', () => {
  it('says when the person joined, with the zone named', async () => {
    const { token } = await when(t).linkToken(OWNER);
    const joiner = await joined(token);
    expect((await emailTo(joiner.email, 'You have joined')).body.text).toMatch(new RegExp(`Joined: ${UTC_TIME.source}`));
  });
});
