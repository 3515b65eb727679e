/** The join decided without any store, through a link, an email invitation or a join request: the writes it takes, and what each refused write means for the person joining. */
import { describe, expect, it } from 'vitest';
import { invitationEnd, invitationRefusal, linkRefusal, personRefusal, planInvitationJoin, planJoin, type Joiner } from '../../shared/domain/join.ts';
import { asUseRefusal, linkEndOf, mayDecide, planApproval, planDecline, planJoinRequest, requestIdOf, requestRefusal } from '../../shared/domain/join-request.ts';
import type { Domain, Invitation, InviteLink, Membership } from '../../shared/domain/types.ts';

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

describe('a join request through a link that needs approval', () => {
  const approvalLink: InviteLink = { ...link, requireApproval: true };
  const ask = (who: Joiner = joiner) => planJoinRequest(approvalLink, who, now, { domainName: 'Demo Media Co', isNewUser: true, eventId: 'e-1' });
  const approver = { userId: 'u-admin', email: 'admin@example.test' };

  it('checks all a join checks, then records the request, its copy, its entry and the email to the link\'s creator: no use, no membership', () => {
    const plan = ask();
    expect(plan.writes.map((w) => w.write)).toEqual(['check-link', 'pass-gate', 'check-not-member', 'check-email-free', 'put-request', 'put-request-copy', 'record-request', 'email-request', 'create-user']);
    expect(plan.writes[1]).toEqual(planJoin(approvalLink, joiner, now, { joinId: 'j', isNewUser: true }).writes[1]);
    expect(plan.request).toMatchObject({ status: 'pending', linkId: 'abc', linkCreatedBy: 'u-creator', email: 'pat@example.test', domainName: 'Demo Media Co', requestedAt: now.toISOString() });
    expect(plan.writes.find((w) => w.write === 'email-request')).toMatchObject({ email: { kind: 'requested', to: { userId: 'u-creator', email: 'c@example.test' }, requester: { email: 'pat@example.test' } } });
    // One request per person per link, whatever the case of the email.
    expect(ask({ ...joiner, email: 'PAT@example.test' }).request.requestId).toBe(plan.request.requestId);
    expect(plan.request.requestId).toBe(requestIdOf('abc', 'pat@example.test'));
    expect(plan.request.requestId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(() => planJoinRequest({ ...approvalLink, allowedEmailDomains: ['acme.test'] }, joiner, now, { domainName: 'D', isNewUser: true, eventId: 'e' })).toThrow(
      expect.objectContaining({ kind: 'EmailDomainNotAllowed' }),
    );
  });

  it('is approved as the join itself with the decision first, counting the use; the record names the approver and sends the creator nothing', () => {
    const { request } = ask();
    const plan = planApproval(request, approvalLink, now, { joinId: 'j-9', eventId: 'e-9', approver });
    expect(plan.writes.map((w) => w.write)).toEqual(['decide-request', 'count-use', 'pass-gate', 'add-membership', 'claim-email', 'record-join', 'put-request-copy', 'record-decision']);
    expect(plan.writes[1]).toEqual({ write: 'count-use', linkId: 'abc', maxUses: 5, at: now.toISOString() });
    expect(plan.request).toMatchObject({ status: 'approved', decidedBy: approver, decidedAt: now.toISOString() });
    expect(plan.join).toMatchObject({ joinId: 'j-9', userId: 'sub-pat', approvedBy: approver, notifyCreator: false });
    expect(plan.writes.find((w) => w.write === 'record-join')).toEqual({ write: 'record-join', join: plan.join });
    expect(plan.membership).toMatchObject({ userId: 'sub-pat', teamIds: ['editors', 'producers'], joinedVia: { linkId: 'abc' } });
    expect(() => planApproval(plan.request, approvalLink, now, { joinId: 'j', eventId: 'e', approver })).toThrow(expect.objectContaining({ kind: 'RequestDecided' }));
  });

  it('is declined with its reason, emailed to the person who asked; decided once', () => {
    const plan = planDecline(ask().request, now, { eventId: 'e-2', approver, reason: 'Crew only' });
    expect(plan.writes.map((w) => w.write)).toEqual(['decide-request', 'put-request-copy', 'record-decision', 'email-request']);
    expect(plan.request).toMatchObject({ status: 'declined', reason: 'Crew only', decidedBy: approver });
    expect(plan.writes[3]).toMatchObject({ email: { kind: 'declined', to: { userId: 'sub-pat', email: 'pat@example.test' }, reason: 'Crew only' } });
    expect(() => planDecline(plan.request, now, { eventId: 'e', approver })).toThrow(expect.objectContaining({ kind: 'RequestDecided' }));
  });

  it('refused: asked before (the pending request is the answer), declined before, decided before, gone, a member, kept out, or the link ended', () => {
    expect(requestRefusal({ write: 'put-request', found: { requestId: 'r', status: 'pending', requestedAt: now.toISOString() } }, 'Demo')).toBeUndefined();
    expect(requestRefusal({ write: 'put-request', found: { requestId: 'r', status: 'declined', requestedAt: now.toISOString() } }, 'Demo')).toMatchObject({ kind: 'JoinDeclined', message: expect.stringContaining('Demo') });
    expect(codeOf(requestRefusal({ write: 'decide-request', found: { status: 'declined', requestedAt: now.toISOString() } }, 'Demo'))).toBe('RequestDecided');
    expect(codeOf(requestRefusal({ write: 'decide-request' }, 'Demo'))).toBe('NotFound');
    expect(codeOf(requestRefusal({ write: 'check-not-member' }, 'Demo'))).toBe('AlreadyMember');
    expect(codeOf(requestRefusal({ write: 'check-email-free', found: { rejoinBlocked: true } }, 'Demo'))).toBe('RejoinBlocked');
    const revoked = { write: 'check-link' as const, found: { expiresAt: link.expiresAt, revokedAt: '2026-01-01T12:00:00.000Z' } };
    expect(requestRefusal(revoked, 'Demo')).toBeUndefined();
    expect(codeOf(linkRefusal(asUseRefusal(revoked), link, domain))).toBe('LinkRevoked');
  });

  it('is decided by an admin, or by the link\'s creator while they may invite; nobody else', () => {
    const member = { userId: 'u-creator', isAdmin: false, roleGroupIds: ['managers'] } as Membership;
    const roleGroups = [{ id: 'managers', name: 'Managers', permissions: ['users:create'] }];
    expect(mayDecide(member, roleGroups, { linkCreatedBy: 'u-creator' })).toBe(true);
    expect(mayDecide({ ...member, roleGroupIds: [] }, roleGroups, { linkCreatedBy: 'u-creator' })).toBe(false);
    expect(mayDecide({ ...member, userId: 'u-other' }, roleGroups, { linkCreatedBy: 'u-creator' })).toBe(false);
    expect(mayDecide({ ...member, userId: 'u-admin', isAdmin: true, roleGroupIds: [] }, [], { linkCreatedBy: 'u-creator' })).toBe(true);
  });

  it('whose link ended says with the code a join would get; a link that works, or is only paused, has not ended', () => {
    expect(linkEndOf(link, 0, domain, now)).toBeUndefined();
    expect(linkEndOf({ ...link, pausedAt: '2026-01-01T12:00:00.000Z' }, 0, domain, now)).toBeUndefined();
    expect(linkEndOf(undefined, 0, domain, now)).toBe('LinkExpired');
    expect(linkEndOf({ ...link, revokedAt: '2026-01-01T12:00:00.000Z' }, 0, domain, now)).toBe('LinkRevoked');
    expect(linkEndOf(link, 0, { ...domain, linkGeneration: 3 }, now)).toBe('LinkRevoked');
    expect(linkEndOf(link, 0, { ...domain, linksEnabled: false }, now)).toBe('LinksDisabled');
    expect(linkEndOf(link, 5, domain, now)).toBe('LinkUsedUp');
    expect(linkEndOf(link, 0, domain, new Date(link.expiresAt))).toBe('LinkExpired');
  });
});
