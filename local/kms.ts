/**
 * The local stand-in for AWS KMS: Encrypt and Decrypt with the one symmetric key the template makes
 * (the link key), answering KMS's JSON protocol at KMS_PATH, so the functions' real KMSClient talks
 * to it (AWS_ENDPOINT_URL_KMS points here). AES-256-GCM under a key kept in DATA_DIR
 * (`local-kms-key`, readable by this user only, like the local token secret) or in memory. The
 * encryption context is the cipher's additional data: a ciphertext opened with another context, or
 * with another key, fails as KMS's does (InvalidCiphertextException). Nothing else of KMS is here.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { send } from './http.ts';

export const KMS_PATH = '/local/kms';
/** Where a stack with DATA_DIR keeps its key, under DATA_DIR. */
export const KMS_KEY_FILE = 'local-kms-key';

/** KMS's own limit on what Encrypt takes. */
const MAX_PLAINTEXT_BYTES = 4096;
const BLOB_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_BYTES = 16;

/** A KMS error as the SDK reads it: `__type` names the exception. */
export class KmsError extends Error {
  constructor(
    readonly type: 'InvalidCiphertextException' | 'IncorrectKeyException' | 'NotFoundException' | 'ValidationException' | 'SerializationException' | 'UnknownOperationException',
    message: string,
  ) {
    super(message);
  }
}

export interface KeyMaterial {
  keyId: string;
  key: Buffer;
}

/** The key in `file` if there is one, else a new one written there (readable by this user only); in memory without a file. */
export function loadOrCreateKey(file: string | undefined): KeyMaterial {
  const fresh = (): KeyMaterial => ({ keyId: randomUUID(), key: randomBytes(32) });
  if (!file) return fresh();
  try {
    return parseKey(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`The local KMS key in ${file} cannot be read: ${(error as Error).message}`);
  }
  const made = fresh();
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, JSON.stringify({ keyId: made.keyId, key: made.key.toString('base64') }), { mode: 0o600, flag: 'wx' });
    return made;
  } catch (error) {
    // Another start wrote it first: theirs is the key.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return parseKey(readFileSync(file, 'utf8'));
    throw error;
  }
}

function parseKey(text: string): KeyMaterial {
  const { keyId, key } = JSON.parse(text) as { keyId?: unknown; key?: unknown };
  const bytes = typeof key === 'string' ? Buffer.from(key, 'base64') : Buffer.alloc(0);
  if (typeof keyId !== 'string' || !/^[0-9a-f-]{36}$/.test(keyId) || bytes.length !== 32) throw new Error('not a local KMS key');
  return { keyId, key: bytes };
}

/** The context as the cipher's additional data: the same pairs in any order give the same bytes. */
function contextBytes(context: Record<string, string> = {}): Buffer {
  return Buffer.from(JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), 'utf8');
}

/** Encrypt and Decrypt with one key: the blob names the key, then IV, tag and ciphertext. */
export function localKeyring({ keyId, key }: KeyMaterial) {
  const keyIdBytes = Buffer.from(keyId.replaceAll('-', ''), 'hex');
  return {
    encrypt(plaintext: Buffer, context?: Record<string, string>): Buffer {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(contextBytes(context));
      const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([Buffer.of(BLOB_VERSION), keyIdBytes, iv, cipher.getAuthTag(), sealed]);
    },
    decrypt(blob: Buffer, context?: Record<string, string>): Buffer {
      const head = 1 + KEY_ID_BYTES + IV_BYTES + TAG_BYTES;
      if (blob.length <= head || blob[0] !== BLOB_VERSION || !blob.subarray(1, 1 + KEY_ID_BYTES).equals(keyIdBytes)) {
        throw new KmsError('InvalidCiphertextException', 'The ciphertext is not one this key made.');
      }
      const iv = blob.subarray(1 + KEY_ID_BYTES, 1 + KEY_ID_BYTES + IV_BYTES);
      const tag = blob.subarray(head - TAG_BYTES, head);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv).setAAD(contextBytes(context)).setAuthTag(tag);
        return Buffer.concat([decipher.update(blob.subarray(head)), decipher.final()]);
      } catch {
        // KMS says no more than this when the context differs: nothing about which part.
        throw new KmsError('InvalidCiphertextException', 'The ciphertext does not decrypt with this encryption context.');
      }
    },
  };
}

export interface LocalKms {
  /** The key's ARN: what the functions are told (INVITE_LINK_KEY_ARN) and the roles' grants resolve to. */
  keyArn: string;
  /** Answers Encrypt and Decrypt at KMS_PATH; false for anything else. */
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): boolean;
}

/** The key given, else the one in `keyFile`, else a new one in memory. */
export function startLocalKms(options: { keyFile?: string; key?: KeyMaterial; region: string; account: string }): LocalKms {
  const material = options.key ?? loadOrCreateKey(options.keyFile);
  const keyring = localKeyring(material);
  const keyArn = `arn:aws:kms:${options.region}:${options.account}:key/${material.keyId}`;
  const isThisKey = (keyId: unknown) => keyId === keyArn || keyId === material.keyId;

  function answer(target: string | undefined, request: Record<string, unknown>): Record<string, unknown> {
    const context = contextOf(request.EncryptionContext);
    if (target === 'TrentService.Encrypt') {
      if (!isThisKey(request.KeyId)) throw new KmsError('NotFoundException', `Key '${String(request.KeyId)}' does not exist`);
      const plaintext = base64Field(request.Plaintext, 'Plaintext');
      if (plaintext.length < 1 || plaintext.length > MAX_PLAINTEXT_BYTES) throw new KmsError('ValidationException', `Plaintext must be 1 to ${MAX_PLAINTEXT_BYTES} bytes`);
      return { CiphertextBlob: keyring.encrypt(plaintext, context).toString('base64'), KeyId: keyArn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    }
    if (target === 'TrentService.Decrypt') {
      if (request.KeyId !== undefined && !isThisKey(request.KeyId)) throw new KmsError('IncorrectKeyException', 'The key ID in the request does not identify the key that encrypted the ciphertext.');
      const plaintext = keyring.decrypt(base64Field(request.CiphertextBlob, 'CiphertextBlob'), context);
      return { Plaintext: plaintext.toString('base64'), KeyId: keyArn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    }
    throw new KmsError('UnknownOperationException', 'only Encrypt and Decrypt are served here');
  }

  return {
    keyArn,
    handle(req, res, body) {
      if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/$/, '') !== KMS_PATH) return false;
      const json = (statusCode: number, payload: unknown) =>
        send(res, { statusCode, headers: { 'content-type': 'application/x-amz-json-1.1', 'cache-control': 'no-store' }, body: JSON.stringify(payload) });
      try {
        let request: unknown;
        try {
          request = JSON.parse(body.toString('utf8'));
        } catch {
          throw new KmsError('SerializationException', 'the body is not JSON');
        }
        if (typeof request !== 'object' || request === null || Array.isArray(request)) throw new KmsError('SerializationException', 'the body is not a JSON object');
        json(200, answer(req.headers['x-amz-target'] as string | undefined, request as Record<string, unknown>));
      } catch (error) {
        if (!(error instanceof KmsError)) throw error;
        json(400, { __type: error.type, message: error.message });
      }
      return true;
    },
  };
}

function base64Field(value: unknown, name: string): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw new KmsError('ValidationException', `${name} must be base64`);
  return Buffer.from(value, 'base64');
}

function contextOf(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new KmsError('ValidationException', 'EncryptionContext must map strings to strings');
  }
  return value as Record<string, string>;
}
