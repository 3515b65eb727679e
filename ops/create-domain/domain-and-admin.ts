/** The command's work: refuse a taken id before touching the identity provider, then one transaction. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DomainAlreadyExists, firstAdminRecords, type FirstAdmin } from '#shared/domain/new-domain.ts';
import type { Directory } from '#shared/domain/types.ts';
import { createDomain, findDomain } from '#shared/store/dynamodb/create-domain.ts';
import { LOCAL_AWS } from '#local/services.ts';
import { adminIdentity, type AdminIdentity } from './admin-identity.ts';
import { CommandFailed, type CommandLine, type Target } from './command-line.ts';

export interface Created {
  directory: Directory;
  admin: FirstAdmin & { userId: string };
  /** Whether the identity provider account was made now or already existed (or was given). */
  identity: AdminIdentity['identity'];
  profile: 'created' | 'kept';
  target: Target;
}

export async function createDomainAndAdmin(command: CommandLine, now = new Date()): Promise<Created> {
  const { request, target } = command;
  const client =
    target.kind === 'local'
      ? new DynamoDBClient({ endpoint: target.endpoint, ...LOCAL_AWS, maxAttempts: 1 })
      : new DynamoDBClient({ region: target.region });
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  try {
    const { domainId } = request.directory.domain;
    const existing = await withTableErrors(target, () => findDomain(db, target.table, domainId));
    if (existing) throw new DomainAlreadyExists(domainId, existing.name);

    const { sub, identity } = await adminIdentity(target, client, db, request.admin);
    const records = firstAdminRecords(request.directory, request.admin, sub, now);
    const { profile } = await withTableErrors(target, () => createDomain(db, target.table, { directory: request.directory, ...records }));
    return { directory: request.directory, admin: { ...request.admin, userId: sub }, identity, profile, target };
  } finally {
    client.destroy();
  }
}

/** The two ways a target is not there: nothing answers (local stack not running) or no such table. */
async function withTableErrors<T>(target: Target, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const { name, code } = error as Error & { code?: string };
    if (target.kind === 'local') {
      if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || name === 'TimeoutError') {
        throw new CommandFailed(
          `Nothing answers at ${target.endpoint}. Start the local stack with \`npm start\` first (same DYNAMODB_PORT), or give --table for a deployed table.`,
        );
      }
      if (name === 'ResourceNotFoundException') {
        throw new CommandFailed(`DynamoDB Local at ${target.endpoint} has no table "${target.table}". Is \`npm start\` running with the same TABLE_NAME?`);
      }
    } else if (name === 'ResourceNotFoundException') {
      throw new CommandFailed(`No table "${target.table}" in ${target.region} (--table, --region; the stack's TableName output).`);
    }
    throw error;
  }
}
