/** The join decided without any store: the writes it takes, and what each refused write means for the person joining. */
import { describe, expect, it } from 'vitest';
import { linkRefusal, personRefusal, planJoin, type Joiner } from '../../shared/domain/join.ts';
import type { Domain, InviteLink } from '../../shared/domain/types.ts';

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
