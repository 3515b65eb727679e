/** `npm run token -- <email>`: a bearer token (valid one hour) for an existing user of the running local stack. */
const email = process.argv[2];
const base = `http://localhost:${process.env.PORT ?? 3000}`;
if (!email) {
  console.error('usage: npm run token -- <email>   (for example owner@demo.test)');
  process.exit(2);
}
try {
  const res = await fetch(`${base}/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  const body = (await res.json()) as { token?: string; detail?: string };
  if (!res.ok || !body.token) {
    console.error(body.detail ?? `the local stack answered ${res.status}`);
    process.exit(1);
  }
  console.log(body.token);
} catch {
  console.error(`No local stack answers on ${base}. Start it first with \`npm start\` (same PORT).`);
  process.exit(1);
}
