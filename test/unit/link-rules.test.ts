/** The domain rules behind link rules and member edits, with no AWS at all. */
import { describe, expect, it } from 'vitest';
import { emailDomainOf } from '../../shared/domain/email.ts';
import { admittedEmailDomains, capOf, linkStatus } from '../../shared/domain/invite-link.ts';
import { authorityShrinks, editedMember } from '../../shared/domain/member-edit.ts';
import type { Directory, Domain, InviteLink, Membership } from '../../shared/domain/types.ts';

const directory: Directory = {
  domain: { domainId: 'd', name: 'D', defaultTeamId: 'editors', linksEnabled: true, linkGeneration: 0 },
  teams: [{ id: 'editors', name: 'Editors' }, { id: 'producers', name: 'Producers' }],
  roleGroups: [{ id: 'managers', name: 'Managers', permissions: ['users:create'] }, { id: 'viewers', name: 'Viewers', permissions: [] }],
  groups: [{ id: 'archive', name: 'Archive' }],
};
const member = (m: Partial<Membership> = {}): Membership => ({
  userId: 'u', domainId: 'd', email: 'u@example.test', firstName: 'U', lastName: 'V', userType: 'STANDARD', isAdmin: false,
  teamIds: ['editors'], roleGroupIds: ['managers'], groupIds: [], createdAt: '2026-01-01T00:00:00.000Z', ...m,
});

describe('maxUses split over the counters', () => {
  it.each([1, 3, 8, 9, 10_000, 7777])('the shares of %i add up to it exactly and differ by at most one', (maxUses) => {
    const caps = Array.from({ length: 8 }, (_, k) => capOf(k, 8, maxUses));
    expect(caps.reduce((a, b) => a + b, 0)).toBe(maxUses);
    expect(Math.max(...caps) - Math.min(...caps)).toBeLessThanOrEqual(1);
  });
});

describe('allowed email domains', () => {
  it('combines the link’s and the domain’s lists: both must admit the email', () => {
    expect(admittedEmailDomains({ allowedEmailDomains: [] }, {})).toEqual([]);
    expect(admittedEmailDomains({ allowedEmailDomains: ['a.test'] }, { allowedEmailDomains: [] })).toEqual(['a.test']);
    expect(admittedEmailDomains({ allowedEmailDomains: [] }, { allowedEmailDomains: ['b.test'] })).toEqual(['b.test']);
    expect(admittedEmailDomains({ allowedEmailDomains: ['a.test', 'b.test'] }, { allowedEmailDomains: ['b.test', 'c.test'] })).toEqual(['b.test']);
  });

  it('reads the domain of an email as the lists hold it', () => {
    expect(emailDomainOf('Pat@Example.TEST')).toBe('example.test');
  });
});

describe('member edits', () => {
  it('applies only what the change names, and checks the ids', () => {
    expect(editedMember(member(), { userType: 'BROWSE' }, directory)).toMatchObject({ userType: 'BROWSE', teamIds: ['editors'], roleGroupIds: ['managers'] });
    expect(() => editedMember(member(), { teamIds: ['nope'] }, directory)).toThrow(expect.objectContaining({ kind: 'UnknownReference' }));
    expect(() => editedMember(member(), {}, directory)).toThrow(expect.objectContaining({ kind: 'InvalidRequest' }));
  });

  it.each<[string, Partial<Membership>, Partial<Membership> | undefined, boolean]>([
    ['removal', {}, undefined, true],
    ['losing the inviting role group', {}, { roleGroupIds: ['viewers'] }, true],
    ['a lower user type', {}, { userType: 'BROWSE' }, true],
    ['losing admin', { isAdmin: true }, { isAdmin: false }, true],
    ['a higher user type', {}, { userType: 'POWER' }, false],
    ['another team', {}, { teamIds: ['producers'] }, false],
    ['becoming admin', {}, { isAdmin: true, userType: 'BROWSE' }, false],
    ['an admin losing a role group, still admin', { isAdmin: true }, { roleGroupIds: [] }, false],
    ['someone who could never invite, demoted', { roleGroupIds: ['viewers'] }, { userType: 'BROWSE' }, false],
  ])('%s: ends their links = %s', (_case, before, after, shrinks) => {
    const b = member(before);
    expect(authorityShrinks(b, after && { ...b, ...after }, directory)).toBe(shrinks);
  });
});

describe('a link whose creator’s generation moved', () => {
  it('is revoked', () => {
    const link = { linkId: 'l', domainId: 'd', createdBy: 'u', generation: 0, creatorGeneration: 0, expiresAt: '2999-01-01T00:00:00.000Z' } as InviteLink;
    const domain: Domain = { ...directory.domain };
    expect(linkStatus(link, domain, new Date())).toBe('ACTIVE');
    expect(linkStatus(link, { ...domain, 'creatorGeneration#u': 1 }, new Date())).toBe('REVOKED');
    expect(linkStatus(link, { ...domain, 'creatorGeneration#someone-else': 1 }, new Date())).toBe('ACTIVE');
  });
});
