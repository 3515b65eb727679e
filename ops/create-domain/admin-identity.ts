/**
 * The first admin's identity, before anything is written: at the local identity provider, in the
 * stack's Cognito pool (created, or found), or the sub the operator gave.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { FirstAdmin } from '#shared/domain/new-domain.ts';
import { identityTableName, IdentityStore } from '#local/identity/identities.ts';
import { CommandFailed, type Target } from './command-line.ts';

/** The admin's subject, and whether the identity provider account was made now or already existed (or was given). */
export interface AdminIdentity {
  sub: string;
  identity: 'created' | 'existing' | 'given';
}

export async function adminIdentity(
  target: Target,
  client: DynamoDBClient,
  db: DynamoDBDocumentClient,
  admin: FirstAdmin,
): Promise<AdminIdentity> {
  if (target.kind === 'local') {
    const table = identityTableName(target.table);
    await IdentityStore.ensureTable(client, table);
    const identities = new IdentityStore(db, table);
    const existing = await identities.findByEmail(admin.email);
    if (existing) return { sub: existing.sub, identity: 'existing' };
    const created = await identities.ensure({ email: admin.email, givenName: admin.firstName, familyName: admin.lastName });
    return { sub: created.sub, identity: 'created' };
  }
  if ('adminSub' in target.identity) return { sub: target.identity.adminSub, identity: 'given' };
  return cognitoUser(target.region, target.identity.userPoolId, admin);
}

/** The admin in the stack's pool: created with a verified email (Cognito emails the invitation), or found. */
async function cognitoUser(region: string, userPoolId: string, admin: FirstAdmin): Promise<AdminIdentity> {
  const cognito = new CognitoIdentityProviderClient({ region });
  const subOf = (attributes: AttributeType[] | undefined) => {
    const sub = attributes?.find((a) => a.Name === 'sub')?.Value;
    if (!sub) throw new CommandFailed(`Cognito returned no sub for ${admin.email} in ${userPoolId}.`);
    return sub;
  };
  try {
    // The stack's pool signs people in by email, so the email is the username.
    const { User } = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: admin.email,
        UserAttributes: [
          { Name: 'email', Value: admin.email },
          { Name: 'email_verified', Value: 'true' },
          { Name: 'given_name', Value: admin.firstName },
          { Name: 'family_name', Value: admin.lastName },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    return { sub: subOf(User?.Attributes), identity: 'created' };
  } catch (error) {
    if (!(error instanceof UsernameExistsException)) throw cognitoFailure(error, userPoolId);
    try {
      const { UserAttributes } = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: admin.email }));
      return { sub: subOf(UserAttributes), identity: 'existing' };
    } catch (again) {
      throw cognitoFailure(again, userPoolId);
    }
  } finally {
    cognito.destroy();
  }
}

function cognitoFailure(error: unknown, userPoolId: string): Error {
  if (error instanceof CommandFailed) return error;
  const { name, message } = error as Error;
  if (name === 'ResourceNotFoundException') return new CommandFailed(`No Cognito user pool ${userPoolId} in this region (--user-pool-id, --region).`);
  return new CommandFailed(`Cognito refused to create the admin (${name}: ${message}). Nothing was written to the table.`);
}
