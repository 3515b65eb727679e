/** The Store port over one DynamoDB table, in parts by what they do. Item layout: docs/data-model.md. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { JoinCommit, Store } from '../store.ts';
import { invitationReads } from './invitation-reads.ts';
import { invitationWrites } from './invitation-writes.ts';
import { invitationOfToken } from './invitation-join.ts';
import { joinRequestReads } from './join-request-reads.ts';
import { commitJoin, linkForJoin } from './join.ts';
import { linkTokens } from './link-tokens.ts';
import { linkWrites } from './link-writes.ts';
import { memberWrites } from './member-writes.ts';
import { pauseWrites } from './pause-writes.ts';
import { reads } from './reads.ts';
import { TableAccess } from './table-access.ts';

export function dynamoStore(db: DynamoDBDocumentClient, table: string): Store {
  const t = new TableAccess(db, table);
  return {
    ...reads(t),
    ...linkWrites(t),
    ...linkTokens(t),
    ...memberWrites(t),
    ...pauseWrites(t),
    ...invitationReads(t),
    ...invitationWrites(t),
    ...joinRequestReads(t),
    linkForJoin: (linkId, userId) => linkForJoin(t, linkId, userId),
    invitationOfToken: (tokenHash) => invitationOfToken(t, tokenHash),
    // A join plans no request writes, so only a join's conditions can refuse it.
    commitJoin: (writes) => commitJoin(t, writes) as Promise<JoinCommit>,
    commitJoinRequest: (writes) => commitJoin(t, writes),
  };
}
