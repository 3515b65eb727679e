/**
 * The TokenVault port: a link's token kept sealed, so its creator or an admin can have the link's
 * address again from any browser. shared/store/kms/ implements it with AWS KMS; the table holds
 * only the sealed form, which opens nothing without the key.
 */
import type { InviteLink } from '../domain/types.ts';

/** What a sealed token is bound to (KMS's encryption context): copied onto another link or domain, it does not open. */
export type SealedFor = Pick<InviteLink, 'domainId' | 'linkId'>;

/** The encryption context's keys: the role's grant names them, so no other context is sealed or opened. */
export const SEAL_CONTEXT_KEYS = ['domainId', 'linkId'] as const satisfies readonly (keyof SealedFor)[];

export const sealContext = ({ domainId, linkId }: SealedFor): Record<(typeof SEAL_CONTEXT_KEYS)[number], string> => ({ domainId, linkId });

export interface TokenVault {
  /** The token sealed for this link: base64, safe to store. */
  seal(token: string, link: SealedFor): Promise<string>;
  /**
   * The token again; fails when the sealed form was made for another link, or when the token does
   * not hash to `tokenHash` (a link's id is its token's hash; an invitation keeps its token's hash).
   */
  open(sealed: string, link: SealedFor, tokenHash?: string): Promise<string>;
}
