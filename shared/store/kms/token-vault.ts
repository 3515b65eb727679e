/** The TokenVault on AWS KMS: each token encrypted under the link key with its link's encryption context. */
import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { linkKeyArn } from '../../config.ts';
import { linkIdOf } from '../../domain/invite-link.ts';
import { sealContext, type TokenVault } from '../token-vault.ts';
import { kms } from './client.ts';

export function kmsTokenVault(client: KMSClient, keyArn: string): TokenVault {
  return {
    async seal(token, link) {
      const { CiphertextBlob } = await client.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from(token, 'utf8'), EncryptionContext: sealContext(link) }));
      return Buffer.from(CiphertextBlob!).toString('base64');
    },
    async open(sealed, link, tokenHash = link.linkId) {
      // The key named, as AWS advises: a ciphertext of another key is refused rather than tried.
      const { Plaintext } = await client.send(new DecryptCommand({ KeyId: keyArn, CiphertextBlob: Buffer.from(sealed, 'base64'), EncryptionContext: sealContext(link) }));
      const token = Buffer.from(Plaintext!).toString('utf8');
      // The context already binds it; the hash it must have says so a second time for free.
      if (linkIdOf(token) !== tokenHash) throw new Error(`the sealed token of link ${link.linkId} is not the one expected`);
      return token;
    },
  };
}

/** The vault every function that seals or opens tokens uses: one per cold start, on the key named by INVITE_LINK_KEY_ARN. */
export const tokenVault: TokenVault = kmsTokenVault(kms, linkKeyArn());
