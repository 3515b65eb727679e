/**
 * This start's secret for `POST /local/token` (local/local-token.ts): where `npm start` leaves it
 * and `npm run token` finds it. Kept apart from the route so the command loads nothing else.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const LOCAL_TOKEN_PATH = '/local/token';
export const SECRET_HEADER = 'x-local-token-secret';

/**
 * Where `npm start` leaves the secret for `npm run token`, from the same settings: in DATA_DIR, or
 * with `DATA_DIR=:memory:` (which keeps no data) in the system's temporary directory, by PORT.
 */
export function localTokenSecretFile(env: NodeJS.ProcessEnv = process.env): string {
  const dataDir = env.DATA_DIR ?? '.local/';
  if (dataDir === ':memory:') return join(tmpdir(), `invite-links-${env.PORT ?? 3000}.token-secret`);
  return join(resolve(dataDir), 'local-token-secret');
}

export function newLocalTokenSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Writes the secret readable by this user only; an older file (or anything planted at that path) is removed first, never followed. */
export function writeLocalTokenSecret(file: string, secret: string): void {
  mkdirSync(dirname(file), { recursive: true });
  rmSync(file, { force: true });
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
}

/** Removes the file when it still holds this start's secret (another start may have replaced it). */
export function removeLocalTokenSecret(file: string, secret: string): void {
  try {
    if (readFileSync(file, 'utf8') === secret) rmSync(file, { force: true });
  } catch {
    // already gone
  }
}
