/** The rules of invitations by email, without a stack: when one is pending, which addresses may be invited, resends, the day's caps, the request's shape. */
import { describe, expect, it } from 'vitest';
import { createInvitationsBody } from '../../shared/contract/requests.ts';
import { ServiceError } from '../../shared/domain/errors.ts';
import {
  addressRefusal, distinctAddresses, grantNames, invitationEmailOf, invitationStatus, newInvitation, quotaDayOf, resent, secondsToNextDay, tokenHashOf,
} from '../../shared/domain/invitation.ts';
import { lifetimeWithin } from '../../shared/domain/invite-link.ts';
import { INVITATION_LIMITS } from '../../shared/domain/limits.ts';
import { assertMayHandOut } from '../../shared/domain/permissions.ts';
import type { Directory, Domain, Membership } from '../../shared/domain/types.ts';

const domain: Domain = { domainId: 'demo', name: 'Demo Media Co', defaultTeamId: 'editors', linksEnabled: false, linkGeneration: 4 };
const directory: Directory = {
  domain,
  teams: [{ id: 'editors', name: 'Editors' }, { id: 'producers', name: 'Producers' }],
  roleGroups: [{ id: 'contributors', name: 'Contributors', permissions: [] }],
  groups: [{ id: 'archive', name: 'Archive' }],
};
const creator: Membership = {
  userId: 'u-1', domainId: 'demo', email: 'manager@demo.test', firstName: 'Max', lastName: 'Manager', userType: 'STANDARD', isAdmin: false,
  teamIds: ['editors'], roleGroupIds: ['contributors'], groupIds: [], createdAt: '2026-01-01T00:00:00.000Z',
};
const grant = { userType: 'STANDARD' as const, primaryTeamId: 'producers', additionalTeamIds: ['editors'], roleGroupIds: ['contributors'], groupIds: [] };
const NOW = new Date('2026-11-24T09:30:00.000Z');
const fresh = (at = NOW) => newInvitation({ invitationId: 'inv-1', tokenHash: tokenHashOf('t'.repeat(43)), email: 'sam@demo.test', grant, lifetimeSeconds: 3600 }, creator, domain, at);
const refusalOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof ServiceError ? { kind: error.kind, field: error.field } : error;
  }
  return undefined;
};

describe('an invitation’s status', () => {
  it('is pending until it expires, is revoked or accepted, or its sender’s authority ends (whatever the link switch says)', () => {
    const invitation = fresh();
    expect(invitation).toMatchObject({ sendCount: 1, lastSentAt: NOW.toISOString(), createdAt: NOW.toISOString(), expiresAt: '2026-11-24T10:30:00.000Z', creatorGeneration: 0 });
    expect(invitationStatus(invitation, domain, NOW)).toBe('pending');
    expect(invitationStatus(invitation, domain, new Date('2026-11-24T10:30:00.000Z'))).toBe('expired');
    expect(invitationStatus({ ...invitation, revokedAt: NOW.toISOString() }, domain, NOW)).toBe('revoked');
    expect(invitationStatus({ ...invitation, acceptedAt: NOW.toISOString(), revokedAt: NOW.toISOString() }, domain, NOW)).toBe('accepted');
    expect(invitationStatus(invitation, { ...domain, 'creatorGeneration#u-1': 1 }, NOW)).toBe('revoked');
    expect(invitationStatus(invitation, { ...domain, linksEnabled: false, linkGeneration: 9 }, NOW)).toBe('pending');
  });

  it('keeps only the token’s hash, never the token', () => {
    const invitation = fresh();
    expect(invitation.tokenHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(invitation)).not.toContain('t'.repeat(43));
  });
});

describe('which addresses may be invited', () => {
  it('refuses someone removed and kept out, reports a member, and holds the domain’s email domains', () => {
    expect(addressRefusal('a@demo.test', 'removed', domain)).toEqual({ email: 'a@demo.test', status: 'refused', code: 'REJOIN_BLOCKED' });
    expect(addressRefusal('a@demo.test', 'member', domain)).toEqual({ email: 'a@demo.test', status: 'already-member' });
    expect(addressRefusal('a@demo.test', undefined, domain)).toBeUndefined();
    expect(addressRefusal('a@else.test', undefined, { allowedEmailDomains: ['demo.test'] })).toEqual({ email: 'a@else.test', status: 'refused', code: 'EMAIL_DOMAIN_NOT_ALLOWED' });
    expect(addressRefusal('a@sub.demo.test', undefined, { allowedEmailDomains: ['demo.test'] })?.status).toBe('refused');
    expect(addressRefusal('a@demo.test', undefined, { allowedEmailDomains: ['demo.test'] })).toBeUndefined();
  });

  it('takes each address once, in the order first given', () => {
    expect(distinctAddresses(['b@x.test', 'a@x.test', 'b@x.test'])).toEqual(['b@x.test', 'a@x.test']);
  });

  it('holds the grant to the sender’s ceiling and the domain’s own ids, as a link’s', () => {
    expect(refusalOf(() => assertMayHandOut(creator, grant, directory))).toBeUndefined();
    expect(refusalOf(() => assertMayHandOut(creator, { ...grant, userType: 'POWER' }, directory))).toEqual({ kind: 'Forbidden', field: undefined });
    expect(refusalOf(() => assertMayHandOut({ ...creator, roleGroupIds: [] }, grant, directory))).toEqual({ kind: 'Forbidden', field: undefined });
    expect(refusalOf(() => assertMayHandOut({ ...creator, isAdmin: true }, { ...grant, userType: 'POWER' }, directory))).toBeUndefined();
    expect(refusalOf(() => assertMayHandOut(creator, { ...grant, additionalTeamIds: ['interns'] }, directory))).toEqual({ kind: 'UnknownReference', field: 'additionalTeamIds[0]' });
  });

  it('lives 7 days (the service’s longest) unless asked for less, never more', () => {
    expect(lifetimeWithin(undefined, 604_800)).toBe(604_800);
    expect(lifetimeWithin(300, 604_800)).toBe(300);
    expect(refusalOf(() => lifetimeWithin(604_801, 604_800))).toEqual({ kind: 'InvalidRequest', field: 'expiresInSeconds' });
  });
});

describe('a resend', () => {
  it('takes a new token, counts one more sending and lives the same life again from now', () => {
    const later = new Date(NOW.getTime() + 20 * 60_000);
    const again = resent(fresh(), tokenHashOf('u'.repeat(43)), later);
    expect(again).toMatchObject({ sendCount: 2, lastSentAt: later.toISOString(), expiresAt: new Date(later.getTime() + 3_600_000).toISOString(), createdAt: NOW.toISOString() });
    expect(again.tokenHash).not.toBe(fresh().tokenHash);
    expect(resent(again, tokenHashOf('v'.repeat(43)), later).expiresAt).toBe(again.expiresAt);
  });
});

describe('the email an invitation is sent as', () => {
  it('names the organisation, the sender, what it grants by name, the message and the expiry', () => {
    const email = invitationEmailOf({ ...fresh(), message: 'Welcome' }, 'sealed', directory, creator);
    expect(email).toEqual({
      invitationId: 'inv-1', domainId: 'demo', domainName: 'Demo Media Co', email: 'sam@demo.test', sendCount: 1, sealedToken: 'sealed',
      invitedBy: { userId: 'u-1', email: 'manager@demo.test', name: 'Max Manager' },
      grant: { userType: 'STANDARD', primaryTeamName: 'Producers', additionalTeamNames: ['Editors'], roleGroupNames: ['Contributors'], groupNames: [] },
      message: 'Welcome', expiresAt: '2026-11-24T10:30:00.000Z', sentAt: NOW.toISOString(),
    });
    // A sender who has left is named by their email alone; an id the directory no longer has stays an id.
    expect(invitationEmailOf(fresh(), 's', directory, undefined).invitedBy).toEqual({ userId: 'u-1', email: 'manager@demo.test' });
    expect(grantNames({ ...grant, primaryTeamId: undefined, primaryGroupId: 'gone' }, directory)).toMatchObject({ primaryGroupName: 'gone' });
  });
});

describe('the day’s caps', () => {
  it('count by the UTC day and start again at midnight UTC', () => {
    expect(quotaDayOf(new Date('2026-11-24T23:59:59.000Z'))).toBe('2026-11-24');
    expect(secondsToNextDay(new Date('2026-11-24T23:59:00.000Z'))).toBe(60);
    expect(secondsToNextDay(new Date('2026-11-24T00:00:00.000Z'))).toBe(86_400);
  });
});

describe('the request', () => {
  const body = (fields: Record<string, unknown>) => createInvitationsBody.safeParse({ userType: 'STANDARD', primaryTeamId: 'producers', ...fields });
  const fieldOf = (fields: Record<string, unknown>) => {
    const result = body(fields);
    return result.success ? undefined : result.error.issues[0]!.path.join('.');
  };

  it('lower-cases addresses and takes up to 100', () => {
    expect(body({ emails: [' Sam@Demo.TEST '] }).data?.emails).toEqual(['sam@demo.test']);
    expect(fieldOf({ emails: Array.from({ length: INVITATION_LIMITS.maxEmails }, (_, i) => `p${i}@demo.test`) })).toBeUndefined();
    expect(fieldOf({ emails: Array.from({ length: INVITATION_LIMITS.maxEmails + 1 }, (_, i) => `p${i}@demo.test`) })).toBe('emails');
    expect(fieldOf({ emails: [] })).toBe('emails');
  });

  it('names the bad address by its place, and holds the message to 500 characters of plain text', () => {
    expect(fieldOf({ emails: ['a@demo.test', 'b@demo.test', 'c@demo.test', 'nope'] })).toBe('emails.3');
    expect(fieldOf({ emails: ['a@demo.test'], message: 'x'.repeat(500) })).toBeUndefined();
    expect(fieldOf({ emails: ['a@demo.test'], message: 'x'.repeat(501) })).toBe('message');
    expect(fieldOf({ emails: ['a@demo.test'], message: 'a\u202Eb' })).toBe('message');
    expect(fieldOf({ emails: ['a@demo.test'], primaryGroupId: 'archive' })).toBe('primaryTeamId');
  });
});
