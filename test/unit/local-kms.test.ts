/**
 * The local KMS: the real KMSClient encrypts and decrypts through it as through AWS KMS, the
 * encryption context binds a ciphertext (another context, or none, does not open it), and the key
 * survives a restart in its file, readable by this user only.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KMS_PATH, loadOrCreateKey, localKeyring, startLocalKms, type LocalKms } from '../../local/kms.ts';
import { readBody } from '../../local/http.ts';

const AT = { region: 'us-east-1', account: '000000000000' };
const context = { domainId: 'demo-media-co', linkId: 'L'.repeat(43) };

/** The local KMS behind its own little server, and the SDK's client pointed at it. */
async function serve(kms: LocalKms): Promise<{ server: Server; client: KMSClient }> {
  const server = createServer(async (req, res) => {
    const body = (await readBody(req, 64 * 1024))!;
    if (!kms.handle(req, res, body)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const client = new KMSClient({ region: AT.region, endpoint: `http://127.0.0.1:${port}${KMS_PATH}`, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  return { server, client };
}

describe('the local KMS through the real SDK client', () => {
  const kms = startLocalKms(AT);
  let server: Server;
  let client: KMSClient;
  beforeAll(async () => ({ server, client } = await serve(kms)));
  afterAll(() => {
    client.destroy();
    server.close();
  });

  it('decrypts what it encrypted, with the same context given in any order', async () => {
    const { CiphertextBlob, KeyId } = await client.send(new EncryptCommand({ KeyId: kms.keyArn, Plaintext: Buffer.from('a token'), EncryptionContext: context }));
    expect(KeyId).toBe(kms.keyArn);
    expect(kms.keyArn).toMatch(/^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36}$/);
    const reordered = { linkId: context.linkId, domainId: context.domainId };
    const { Plaintext } = await client.send(new DecryptCommand({ KeyId: kms.keyArn, CiphertextBlob, EncryptionContext: reordered }));
    expect(Buffer.from(Plaintext!).toString()).toBe('a token');
  });

  it('refuses another encryption context, or none, as KMS does: InvalidCiphertextException', async () => {
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: kms.keyArn, Plaintext: Buffer.from('a token'), EncryptionContext: context }));
    for (const other of [{ ...context, linkId: 'M'.repeat(43) }, { ...context, domainId: 'other-studio' }, { ...context, extra: 'x' }, undefined]) {
      await expect(client.send(new DecryptCommand({ KeyId: kms.keyArn, CiphertextBlob, EncryptionContext: other }))).rejects.toMatchObject({ name: 'InvalidCiphertextException', $metadata: { httpStatusCode: 400 } });
    }
  });

  it('refuses a ciphertext of another key, and a key it does not have', async () => {
    const other = localKeyring(loadOrCreateKey(undefined)).encrypt(Buffer.from('a token'), context);
    await expect(client.send(new DecryptCommand({ CiphertextBlob: other, EncryptionContext: context }))).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    await expect(client.send(new EncryptCommand({ KeyId: 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000', Plaintext: Buffer.from('x') }))).rejects.toMatchObject({ name: 'NotFoundException' });
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: kms.keyArn, Plaintext: Buffer.from('x') }));
    await expect(client.send(new DecryptCommand({ KeyId: 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000', CiphertextBlob }))).rejects.toMatchObject({ name: 'IncorrectKeyException' });
  });

  it('refuses a ciphertext changed by one bit', async () => {
    const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: kms.keyArn, Plaintext: Buffer.from('a token'), EncryptionContext: context }));
    const flipped = Buffer.from(CiphertextBlob!);
    flipped[flipped.length - 1]! ^= 1;
    await expect(client.send(new DecryptCommand({ KeyId: kms.keyArn, CiphertextBlob: flipped, EncryptionContext: context }))).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
  });
});

describe('the local KMS key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'invite-links-kms-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is kept in its file, readable by this user only, and is the same key after a restart', () => {
    const file = join(dir, 'local-kms-key');
    const first = startLocalKms({ ...AT, keyFile: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const sealed = localKeyring(loadOrCreateKey(file)).encrypt(Buffer.from('kept'), context);
    const again = startLocalKms({ ...AT, keyFile: file });
    expect(again.keyArn).toBe(first.keyArn);
    expect(localKeyring(loadOrCreateKey(file)).decrypt(sealed, context).toString()).toBe('kept');
    expect(readFileSync(file, 'utf8')).not.toContain('kept');
  });

  it('without a file lives in memory: each start its own key', () => {
    expect(startLocalKms(AT).keyArn).not.toBe(startLocalKms(AT).keyArn);
  });
});
