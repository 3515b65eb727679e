/**
 * The local stack refuses what IAM would refuse in AWS: every call a function makes is authorized
 * against its own role as the synthesized template states it. The roles here are the run's real
 * ones with the grants taken away that these functions lacked before they were fixed; every other
 * test file runs with the real ones, so the same operations succeeding there is the other half.
 */
import { inject, describe, expect, it } from 'vitest';
import type { Authorization } from '../../local/iam/emulation.ts';
import type { SynthesizedRoles } from '../../local/iam/roles.ts';
import { useStack } from '../support/stack.ts';
import { DEMO_DOMAIN, linksPath, newPerson, OWNER, when } from '../support/steps.ts';

/** The roles with `action` taken out of the named function's statements (on the index only, when `onIndex`). */
function without(roles: SynthesizedRoles, cuts: { functionName: string; action: string; onIndex?: boolean }[]): SynthesizedRoles {
  const copy = structuredClone(roles);
  for (const { functionName, action, onIndex } of cuts) {
    const fn = copy.functions[functionName]!;
    fn.statements = fn.statements
      .map((raw) => {
        const statement = raw as { Action: string | string[]; Resource: unknown };
        const onIt = onIndex === undefined || JSON.stringify(statement.Resource).includes('/index/') === onIndex;
        const actions = [statement.Action].flat().filter((a) => !(onIt && a === action));
        return { ...statement, Action: actions };
      })
      .filter((statement) => statement.Action.length > 0);
  }
  return copy;
}

const settingsPath = `/v1/domains/${DEMO_DOMAIN}/settings/invite-links`;
const refused = (log: Authorization[], functionName: string) => log.filter((a) => a.functionName === functionName && !a.allowed).map((a) => a.request.action);

describe('the roles before their grants were fixed', () => {
  const log: Authorization[] = [];
  // What the operation table granted these four: no PutItem for the activity entry their transactions write, no Query for a read-back, Query on the table but not on the index.
  const t = useStack({
    notifier: false,
    eventsFeed: false,
    iam: {
      roles: without(inject('iamRoles'), [
        { functionName: 'revoke-invite-link', action: 'dynamodb:PutItem' },
        { functionName: 'remove-member', action: 'dynamodb:PutItem' },
        { functionName: 'put-invite-link-settings', action: 'dynamodb:PutItem' },
        { functionName: 'put-invite-link-settings', action: 'dynamodb:Query' },
        { functionName: 'get-invite-link-settings', action: 'dynamodb:Query', onIndex: true },
        // And one grant that is not DynamoDB's: revealing a link opens its sealed token with the link key.
        { functionName: 'reveal-invite-link', action: 'kms:Decrypt' },
      ]),
      onAuthorization: (a) => log.push(a),
    },
  });

  it('refuse Revoke: its transaction Puts the activity entry, authorized as dynamodb:PutItem', async () => {
    const link = await when(t).linkToken(OWNER);
    expect((await t.as(OWNER).delete(`${linksPath()}/${link.id}`)).status).toBe(500);
    expect(refused(log, 'revoke-invite-link')).toEqual(['dynamodb:PutItem']);
    // Nothing was written: the link still works.
    expect((await when(t).lookup(link.token)).status).toBe(200);
  });

  it('refuse removing a member, for the same entry', async () => {
    const joined = await when(t).join((await when(t).linkToken(OWNER)).token, newPerson());
    expect((await t.as(OWNER).delete(`/v1/domains/${DEMO_DOMAIN}/users/${joined.body.userId}`)).status).toBe(500);
    expect(refused(log, 'remove-member')).toEqual(['dynamodb:PutItem']);
  });

  it('refuse turning links off (its activity entry), and setting the email domains (the read-back Query)', async () => {
    expect((await t.as(OWNER).put(settingsPath, { enabled: false })).status).toBe(500);
    expect((await t.as(OWNER).put(settingsPath, { allowedEmailDomains: [] })).status).toBe(500);
    expect(refused(log, 'put-invite-link-settings')).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
  });

  it('refuse revealing a link without kms:Decrypt on the link key, and record no reveal', async () => {
    const link = await when(t).linkToken(OWNER);
    expect((await t.as(OWNER).post(`${linksPath()}/${link.id}/reveal`)).status).toBe(500);
    const [denied] = log.filter((a) => a.functionName === 'reveal-invite-link' && !a.allowed);
    expect(denied!.request).toMatchObject({ action: 'kms:Decrypt', resources: [t.stack.kms.keyArn], context: { 'kms:EncryptionContext:linkId': link.id } });
    expect((await t.as(OWNER).get(`/v1/domains/${DEMO_DOMAIN}/activity?type=InviteLinkRevealed`)).body.items).toEqual([]);
  });

  it('refuse Login Settings: counting the active links queries the by-domain index, which needs the index ARN', async () => {
    expect((await t.as(OWNER).get(settingsPath)).status).toBe(500);
    const [denied] = log.filter((a) => a.functionName === 'get-invite-link-settings' && !a.allowed);
    expect(denied!.request).toMatchObject({ action: 'dynamodb:Query', resources: [`arn:aws:dynamodb:us-east-1:000000000000:table/${t.stack.tableName}/index/GSI1`] });
  });
});
