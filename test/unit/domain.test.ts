/** The product's rules, with no AWS at all. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { byName, plainOrder } from '../../shared/contract/views.ts';
import { ServiceError } from '../../shared/domain/errors.ts';
import {
  assertReferencesExist,
  assertUsable,
  expiresAtFor,
  linkIdOf,
  linkStatus,
  membershipFromGrant,
  newLinkToken,
  onboardingGrant,
  ttlOf,
} from '../../shared/domain/invite-link.ts';
import { normalizeEmail } from '../../shared/domain/email.ts';
import { assertWithinCeiling, mayInvite, permissionsOf } from '../../shared/domain/permissions.ts';
import type { Directory, Domain, InviteLink, Membership } from '../../shared/domain/types.ts';

const domain: Domain = { domainId: 'd', name: 'D', defaultTeamId: 't1', linksEnabled: true, linkGeneration: 3 };
const link: InviteLink = {
  linkId: 'x',
  domainId: 'd',
  userType: 'STANDARD',
  primaryTeamId: 't1',
  additionalTeamIds: ['t2'],
  roleGroupIds: [],
  groupIds: [],
  createdBy: 'u',
  createdByEmail: 'u@example.test',
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-08T00:00:00.000Z',
  generation: 3,
  onboarding: false,
  allowedEmailDomains: [],
  notifyCreator: true,
};
const member = (m: Partial<Membership>): Membership => ({
  userId: 'u',
  domainId: 'd',
  email: 'u@example.test',
  firstName: 'U',
  lastName: 'U',
  userType: 'STANDARD',
  isAdmin: false,
  teamIds: [],
  roleGroupIds: [],
  groupIds: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  ...m,
});
const roleGroups = [
  { id: 'managers', name: 'Managers', permissions: ['users:create'] },
  { id: 'viewers', name: 'Viewers', permissions: [] },
];
const kindOf = (fn: () => void) => {
  try {
    fn();
    return 'none';
  } catch (error) {
    return (error as ServiceError).kind;
  }
};

describe('a link token', () => {
  it('is 256 random bits in base64url, and its id is its SHA-256', () => {
    const token = newLinkToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(linkIdOf(token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(linkIdOf(token)).not.toBe(token);
    expect(linkIdOf(token)).toBe(linkIdOf(token));
  });

  it('never repeats', () => {
    const tokens = new Set(Array.from({ length: 1000 }, newLinkToken));
    expect(tokens.size).toBe(1000);
  });
});

describe('a link\'s life', () => {
  it('ends exactly 7 days after creation, and its TTL is that instant in epoch seconds', () => {
    const created = new Date('2026-01-01T00:00:00.000Z');
    const expiresAt = expiresAtFor(created, 604_800);
    expect(expiresAt).toBe('2026-01-08T00:00:00.000Z');
    expect(ttlOf(expiresAt)).toBe(Date.parse(expiresAt) / 1000);
  });

  it('is active until the expiry instant, expired from it on', () => {
    expect(linkStatus(link, domain, new Date(Date.parse(link.expiresAt) - 1))).toBe('ACTIVE');
    expect(linkStatus(link, domain, new Date(link.expiresAt))).toBe('EXPIRED');
  });

  it('is revoked when revoked alone or when the domain generation moved on', () => {
    const now = new Date('2026-01-02T00:00:00.000Z');
    expect(linkStatus({ ...link, revokedAt: now.toISOString() }, domain, now)).toBe('REVOKED');
    expect(linkStatus(link, { ...domain, linkGeneration: 4 }, now)).toBe('REVOKED');
  });

  it('reports the domain switch first, then revocation, then expiry', () => {
    const late = new Date('2027-01-01T00:00:00.000Z');
    expect(linkStatus({ ...link, revokedAt: 'x' }, { ...domain, linksEnabled: false }, late)).toBe('DISABLED');
    expect(linkStatus({ ...link, revokedAt: 'x' }, domain, late)).toBe('REVOKED');
    expect(kindOf(() => assertUsable(link, { ...domain, linksEnabled: false }, late))).toBe('LinksDisabled');
    expect(kindOf(() => assertUsable(link, domain, late))).toBe('LinkExpired');
    expect(kindOf(() => assertUsable(link, domain, new Date('2026-01-02T00:00:00.000Z')))).toBe('none');
  });
});

describe('what a link grants', () => {
  it('puts the primary team first and never lists an id twice', () => {
    expect(membershipFromGrant({ userType: 'BROWSE', primaryTeamId: 'a', additionalTeamIds: ['b', 'a'], roleGroupIds: ['r'], groupIds: ['g'] })).toEqual({
      userType: 'BROWSE',
      teamIds: ['a', 'b'],
      roleGroupIds: ['r'],
      groupIds: ['g'],
    });
  });

  it('with a primary legacy group, puts it first among the groups', () => {
    expect(membershipFromGrant({ userType: 'BROWSE', primaryGroupId: 'g1', additionalTeamIds: [], roleGroupIds: [], groupIds: ['g2'] }).groupIds).toEqual(['g1', 'g2']);
  });

  it('the onboarding link is STANDARD in the default team', () => {
    expect(onboardingGrant(domain)).toEqual({ userType: 'STANDARD', primaryTeamId: 't1', additionalTeamIds: [], roleGroupIds: [], groupIds: [] });
  });

  it('may name only ids of its own domain, and says which field is wrong', () => {
    const directory: Directory = { domain, teams: [{ id: 't1', name: 'T1' }], roleGroups, groups: [] };
    const error = (() => {
      try {
        assertReferencesExist({ userType: 'BROWSE', primaryTeamId: 't1', additionalTeamIds: [], roleGroupIds: ['viewers', 'ghost'], groupIds: [] }, directory);
      } catch (e) {
        return e as ServiceError;
      }
    })();
    expect(error).toMatchObject({ kind: 'UnknownReference', field: 'roleGroupIds[1]' });
  });
});

describe('who may invite', () => {
  it('admins always; others only through a role group granting users:create', () => {
    expect(mayInvite(member({ isAdmin: true }), roleGroups)).toBe(true);
    expect(mayInvite(member({ roleGroupIds: ['managers'] }), roleGroups)).toBe(true);
    expect(mayInvite(member({ roleGroupIds: ['viewers'] }), roleGroups)).toBe(false);
    expect(permissionsOf(member({ roleGroupIds: ['viewers'] }), roleGroups)).toEqual([]);
  });
});

describe('the role ceiling', () => {
  const ranks = ['BROWSE', 'STANDARD', 'POWER'] as const;

  it('a non-admin hands out a user type only up to their own', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ranks), fc.constantFrom(...ranks), (own, given) => {
        const allowed = ranks.indexOf(given) <= ranks.indexOf(own);
        const outcome = kindOf(() =>
          assertWithinCeiling(member({ userType: own }), { userType: given, primaryTeamId: 't', additionalTeamIds: [], roleGroupIds: [], groupIds: [] }),
        );
        expect(outcome).toBe(allowed ? 'none' : 'Forbidden');
      }),
    );
  });

  it('a non-admin hands out only role groups they hold; an admin anything', () => {
    const grant = { userType: 'BROWSE' as const, primaryTeamId: 't', additionalTeamIds: [], roleGroupIds: ['managers'], groupIds: [] };
    expect(kindOf(() => assertWithinCeiling(member({ roleGroupIds: ['viewers'] }), grant))).toBe('Forbidden');
    expect(kindOf(() => assertWithinCeiling(member({ roleGroupIds: ['managers'] }), grant))).toBe('none');
    expect(kindOf(() => assertWithinCeiling(member({ isAdmin: true, userType: 'BROWSE' }), { ...grant, userType: 'POWER' }))).toBe('none');
  });
});

describe('emails', () => {
  it('are compared trimmed and lower-cased', () => {
    expect(normalizeEmail('  Pat@Example.TEST ')).toBe('pat@example.test');
  });
});

describe('name order without the collator', () => {
  it('orders names of letters, digits and spaces exactly as localeCompare does', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9 ]{0,6}$/), fc.stringMatching(/^[A-Za-z0-9 ]{0,6}$/), (a, b) => {
        expect(plainOrder(a, b)).toBe(Math.sign(a.localeCompare(b)));
      }),
      { numRuns: 2000 },
    );
    for (const [a, b] of [['ab', 'Ab'], ['aB', 'Ab'], ['a b', 'ab'], ['10', '9'], ['Zeta', 'alpha'], ['', 'a']]) expect(plainOrder(a!, b!), `${a} vs ${b}`).toBe(Math.sign(a!.localeCompare(b!)));
  });

  it('sorts other names with the collator', () => {
    expect(byName([{ name: 'Zahnärzte' }, { name: 'Ärzte' }, { name: 'Bäcker' }]).map((n) => n.name)).toEqual(['Ärzte', 'Bäcker', 'Zahnärzte']);
    expect(byName([{ name: 'producers' }, { name: 'Editors' }, { name: 'editors' }]).map((n) => n.name)).toEqual(['editors', 'Editors', 'producers']);
  });
});
