/** The join decided without any store, through a link or an email invitation: the writes it takes, and what each refused write means for the person joining. */
import { describe, expect, it } from 'vitest';
import { invitationEnd, invitationRefusal, linkRefusal, personRefusal, planInvitationJoin, planJoin, type Joiner } from '../../shared/domain/join.ts';
import type { Domain, Invitation, InviteLink } from '../../shared/domain/types.ts';

const now = new Date('2026-01-02T00:00:00.000Z');
const joiner: Joiner = { userId: 'sub-pat', email: 'pat@example.test', firstName: 'Pat', lastName: 'Doe' };
const link: InviteLink = {
  linkId: 'abc',
  domainId: 'demo',
  userType: 'STANDARD',
  primaryTeamId: 'editors',
  additionalTeamIds: ['producers'],
  roleGroupIds: [],
  groupIds: [],
  createdBy: 'u-creator',
  createdByEmail: 'c@example.test',
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-08T00:00:00.000Z',
  generation: 2,
  onboarding: false,
  label: 'Spring interns',
  maxUses: 5,
  allowedEmailDomains: [],
  notifyCreator: true,
};
const domain = { domainId: 'demo', name: 'Demo Media Co', defaultTeamId: 'editors', linksEnabled: true, linkGeneration: 2 } as Domain;
const codeOf = (error: unknown) => (error as { kind: string }).kind;

describe('planning a join', () => {
  it('takes the use, the gate, the membership, the email, the record and (for someone new) the profile, in that order', () => {
    const plan = planJoin(link, joiner, now, { joinId: 'j-1', isNewUser: true });
    expect(plan.writes.map((w) => w.write)).toEqual(['count-use', 'pass-gate', 'add-membership', 'claim-email', 'record-join', 'create-user']);
    expect(plan.writes[0]).toEqual({ write: 'count-use', linkId: 'abc', maxUses: 5, at: now.toISOString() });
    expect(plan.writes[1]).toMatchObject({ write: 'pass-gate', generation: 2, createdBy: 'u-creator', creatorGeneration: 0, emailDomain: 'example.test' });
    expect(plan.membership).toMatchObject({ userId: 'sub-pat', domainId: 'demo', userType: 'STANDARD', teamIds: ['editors', 'producers'], isAdmin: false, joinedVia: { linkId: 'abc', label: 'Spring interns' } });
    expect(plan.join).toMatchObject({ joinId: 'j-1', linkLabel: 'Spring interns', notifyCreator: true, grant: { userType: 'STANDARD' } });
    expect(planJoin(link, joiner, now, { joinId: 'j-2', isNewUser: false }).writes.map((w) => w.write)).not.toContain('create-user');
  });

  it('refuses an email domain the link does not admit before any write', () => {
    expect(() => planJoin({ ...link, allowedEmailDomains: ['acme.test'] }, joiner, now, { joinId: 'j', isNewUser: true })).toThrow(expect.objectContaining({ kind: 'EmailDomainNotAllowed' }));
  });
});

describe('a refused write', () => {
  it('about the person: already a member, or kept out by an admin', () => {
    expect(codeOf(personRefusal({ write: 'add-membership' }))).toBe('AlreadyMember');
    expect(codeOf(personRefusal({ write: 'claim-email', found: { rejoinBlocked: false } }))).toBe('AlreadyMember');
    expect(codeOf(personRefusal({ write: 'claim-email', found: { rejoinBlocked: true } }))).toBe('RejoinBlocked');
    expect(personRefusal({ write: 'count-use', usedUp: true })).toBeUndefined();
  });

  it('on the use count: used up, revoked, or expired, naming the organisation', () => {
    expect(linkRefusal({ write: 'count-use', usedUp: true }, link, domain)).toMatchObject({ kind: 'LinkUsedUp', linkEnd: { reason: 'used-up', domainName: 'Demo Media Co' } });
    expect(linkRefusal({ write: 'count-use', found: { expiresAt: link.expiresAt, revokedAt: '2026-01-01T12:00:00.000Z' } }, link, domain)).toMatchObject({ kind: 'LinkRevoked', linkEnd: { reason: 'revoked' } });
    expect(codeOf(linkRefusal({ write: 'count-use', found: { expiresAt: '2026-01-01T12:00:00.000Z' } }, link, domain))).toBe('LinkExpired');
  });

  it('on the gate: links off, all deleted, the creator\'s links ended, or the domain\'s email domains', () => {
    const gate = (found: Record<string, unknown>) => linkRefusal({ write: 'pass-gate', found: { linksEnabled: true, linkGeneration: 2, ...found } }, link, domain);
    expect(codeOf(gate({ linksEnabled: false }))).toBe('LinksDisabled');
    expect(gate({ linkGeneration: 3 })).toMatchObject({ kind: 'LinkRevoked', linkEnd: { reason: 'all-deleted' } });
    expect(gate({ 'creatorGeneration#u-creator': 1 })).toMatchObject({ kind: 'LinkRevoked', linkEnd: { reason: 'creator-links-revoked' } });
    expect(gate({ allowedEmailDomains: ['acme.test'] })).toMatchObject({ kind: 'EmailDomainNotAllowed', message: expect.stringContaining('acme.test') });
  });
});

const invitation: Invitation = {
  invitationId: 'inv-1',
  domainId: 'demo',
  email: 'pat@example.test',
  tokenHash: 'hash-now',
  userType: 'POWER',
  primaryGroupId: 'archive',
  additionalTeamIds: ['editors'],
  roleGroupIds: ['contributors'],
  groupIds: [],
  createdBy: 'u-creator',
  createdByEmail: 'c@example.test',
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-08T00:00:00.000Z',
  creatorGeneration: 1,
  sendCount: 1,
  lastSentAt: '2026-01-01T00:00:00.000Z',
};
const ids = { joinId: 'j-1', acceptanceId: 'a-1', isNewUser: true };

describe('planning a join through an email invitation', () => {
  it('takes the invitation, an invitation\'s gate, the membership, the email, the address\'s release, both records and the profile', () => {
    const plan = planInvitationJoin(invitation, 'hash-now', joiner, now, ids);
    expect(plan.writes.map((w) => w.write)).toEqual(['use-invitation', 'pass-gate', 'add-membership', 'claim-email', 'release-address', 'record-join', 'record-acceptance', 'create-user']);
    expect(plan.writes[0]).toEqual({ write: 'use-invitation', invitationId: 'inv-1', tokenHash: 'hash-now', userId: 'sub-pat', at: now.toISOString() });
    // Neither the links switch nor the link generation: invitations work with links off.
    expect(plan.writes[1]).toEqual({ write: 'pass-gate', domainId: 'demo', invitation: true, createdBy: 'u-creator', creatorGeneration: 1, emailDomain: 'example.test' });
    expect(plan.writes[4]).toEqual({ write: 'release-address', domainId: 'demo', email: 'pat@example.test' });
    expect(plan.membership).toMatchObject({ userType: 'POWER', teamIds: ['editors'], roleGroupIds: ['contributors'], groupIds: ['archive'], primaryGroupId: 'archive', isAdmin: false });
    expect(plan.membership.joinedVia).toEqual({ invitationId: 'inv-1', at: now.toISOString(), invitedBy: { userId: 'u-creator', email: 'c@example.test' } });
    expect(plan.join).toMatchObject({ joinId: 'j-1', via: 'invitation', invitationId: 'inv-1', linkCreatedBy: 'u-creator', linkExpiresAt: invitation.expiresAt });
    expect(plan.join).not.toHaveProperty('linkId');
    expect(plan.writes[6]).toEqual({ write: 'record-acceptance', eventId: 'a-1', join: plan.join });
    expect(planInvitationJoin(invitation, 'hash-now', joiner, now, { ...ids, isNewUser: false }).writes.map((w) => w.write)).not.toContain('create-user');
  });

  it('is for its address only, compared lower-cased: anyone else is refused before any write', () => {
    expect(() => planInvitationJoin(invitation, 'hash-now', { ...joiner, email: 'someone@example.test' }, now, ids)).toThrow(
      expect.objectContaining({ kind: 'InvitationEmailMismatch', message: expect.stringContaining('pat@example.test') }),
    );
    expect(planInvitationJoin(invitation, 'hash-now', { ...joiner, email: 'Pat@Example.TEST' }, now, ids).writes).toHaveLength(8);
  });
});

describe('an invitation that no longer works', () => {
  it('says how: used, withdrawn, sent again, its sender\'s authority ended, or expired', () => {
    const at = '2026-01-01T12:00:00.000Z';
    expect(invitationEnd(invitation, 'hash-now', now)).toBeUndefined();
    expect(invitationEnd({ ...invitation, acceptedAt: at, revokedAt: at }, 'hash-now', now)).toBe('used');
    expect(invitationEnd({ ...invitation, revokedAt: at }, 'hash-now', now)).toBe('revoked');
    expect(invitationEnd(invitation, 'hash-before', now)).toBe('resent');
    expect(invitationEnd({ ...invitation, expiresAt: at }, 'hash-now', now)).toBe('expired');
    expect(invitationEnd(invitation, 'hash-now', now, { ...domain, 'creatorGeneration#u-creator': 2 })).toBe('creator-ended');
    expect(invitationEnd(invitation, 'hash-now', now, { ...domain, 'creatorGeneration#u-creator': 1, linksEnabled: false })).toBeUndefined();
  });

  it('in a link\'s codes: used, withdrawn or sent again LINK_REVOKED, expired LINK_EXPIRED, naming the organisation', () => {
    const refusal = (found: Record<string, unknown> | undefined) =>
      invitationRefusal({ write: 'use-invitation', ...(found ? { found: { expiresAt: invitation.expiresAt, tokenHash: 'hash-now', ...found } } : {}) }, invitation, 'hash-now', domain, now);
    expect(refusal({ acceptedAt: '2026-01-01T12:00:00.000Z' })).toMatchObject({ kind: 'LinkRevoked', message: expect.stringContaining('already been used'), linkEnd: { reason: 'revoked', domainName: 'Demo Media Co' } });
    expect(refusal({ revokedAt: '2026-01-01T12:00:00.000Z' })).toMatchObject({ kind: 'LinkRevoked', message: expect.stringContaining('withdrawn') });
    expect(refusal({ tokenHash: 'hash-after' })).toMatchObject({ kind: 'LinkRevoked', message: expect.stringContaining('latest email') });
    expect(refusal({ expiresAt: '2026-01-01T12:00:00.000Z' })).toMatchObject({ kind: 'LinkExpired', linkEnd: { reason: 'expired', domainName: 'Demo Media Co' } });
    expect(codeOf(refusal(undefined))).toBe('LinkExpired');
    expect(codeOf(invitationRefusal({ write: 'use-invitation' }, invitation, 'hash-now', undefined, now))).toBe('LinkNotFound');
  });

  it('at the gate: its sender can no longer invite, or the domain no longer admits the email domain; links off are no refusal', () => {
    const gate = (found: Record<string, unknown>) =>
      invitationRefusal({ write: 'pass-gate', found: { linksEnabled: false, linkGeneration: 9, 'creatorGeneration#u-creator': 1, ...found } }, invitation, 'hash-now', domain, now);
    expect(gate({ 'creatorGeneration#u-creator': 2 })).toMatchObject({ kind: 'LinkRevoked', linkEnd: { reason: 'creator-links-revoked' } });
    expect(gate({ allowedEmailDomains: ['acme.test'] })).toMatchObject({ kind: 'EmailDomainNotAllowed', message: expect.stringContaining('acme.test') });
  });
});
