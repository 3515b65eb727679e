/** The Store port over one DynamoDB table, in parts by what they do. Item layout: docs/data-model.md. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../store.ts';
import { invitationReads } from './invitation-reads.ts';
import { invitationWrites } from './invitation-writes.ts';
import { invitationOfToken } from './invitation-join.ts';
import { commitJoin, linkForJoin } from './join.ts';
import { linkTokens } from './link-tokens.ts';
import { linkWrites } from './link-writes.ts';
import { memberWrites } from './member-writes.ts';
import { reads } from './reads.ts';
import { TableAccess } from './table-access.ts';

export function dynamoStore(db: DynamoDBDocumentClient, table: string): Store {
  const t = new TableAccess(db, table);
  return {
    ...reads(t),
    ...linkWrites(t),
    ...linkTokens(t),
    ...memberWrites(t),
    ...invitationReads(t),
    ...invitationWrites(t),
    linkForJoin: (linkId, userId) => linkForJoin(t, linkId, userId),
    invitationOfToken: (tokenHash) => invitationOfToken(t, tokenHash),
    commitJoin: (writes) => commitJoin(t, writes),
  };
}
