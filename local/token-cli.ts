/**
 * `npm run token -- <email> [<email> ...]`: one bearer token per email, one a line, in order, from
 * the running local stack's identity provider (same PORT), each valid one hour. An email the
 * provider does not know gets a new identity with that verified email, as a provider's admin
 * would create one; it becomes a directory user only by joining a domain. It proves it runs as
 * the user who started the stack with the secret `npm start` left for it (same DATA_DIR).
 */
import { readFileSync } from 'node:fs';
import { LOCAL_TOKEN_PATH, localTokenSecretFile, SECRET_HEADER } from './local-token-secret.ts';

const emails = process.argv.slice(2);
const base = `http://localhost:${process.env.PORT ?? 3000}`;
if (emails.length === 0) {
  console.error('usage: npm run token -- <email> [<email> ...]   (for example owner@demo.test)');
  process.exit(2);
}
const secretFile = localTokenSecretFile();
let secret: string;
try {
  secret = readFileSync(secretFile, 'utf8').trim();
} catch {
  console.error(`No secret at ${secretFile}: start the stack first with \`npm start\` (same PORT and DATA_DIR).`);
  process.exit(1);
}
for (const email of emails) {
  let res: Response;
  try {
    res = await fetch(`${base}${LOCAL_TOKEN_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', [SECRET_HEADER]: secret }, body: JSON.stringify({ email }) });
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
