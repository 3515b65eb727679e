/**
 * `npm run token -- <email> [<email> ...]`: one bearer token per email, one a line, in order, from
 * the running local stack's identity provider (same PORT), each valid one hour. An email the
 * provider does not know gets a new identity with that verified email, as a provider's admin
 * would create one; it becomes a directory user only by joining a domain.
 */
const emails = process.argv.slice(2);
const base = `http://localhost:${process.env.PORT ?? 3000}`;
if (emails.length === 0) {
  console.error('usage: npm run token -- <email> [<email> ...]   (for example owner@demo.test)');
  process.exit(2);
}
for (const email of emails) {
  let res: Response;
  try {
    res = await fetch(`${base}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
  } catch {
    console.error(`No local stack answers on ${base}. Start it first with \`npm start\` (same PORT).`);
    process.exit(1);
  }
  const body = (await res.json().catch(() => ({}))) as { token?: string; detail?: string };
  if (!res.ok || !body.token) {
    console.error(`${email}: ${body.detail ?? `the local stack answered ${res.status}`}`);
    process.exit(1);
  }
  console.log(body.token);
}
