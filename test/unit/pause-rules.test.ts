/** Pauses decided without any store: what a lookup and a refused join say of a paused link or of every link paused, and the guard a new link gets. */
import { describe, expect, it } from 'vitest';
import { assertMayResume, assertNotPaused, linksPausedUntil, pauseAfterFor, pausedUntilAfter } from '../../shared/domain/invite-link.ts';
import { linkRefusal, planJoin } from '../../shared/domain/join.ts';
import type { Domain, InviteLink, Membership } from '../../shared/domain/types.ts';

const now = new Date('2026-01-02T00:00:00.000Z');
const at = now.toISOString();
const later = '2026-01-02T06:00:00.000Z';
const link = {
  linkId: 'abc',
  domainId: 'demo',
  userType: 'STANDARD',
  primaryTeamId: 'editors',
  additionalTeamIds: [],
  roleGroupIds: [],
  groupIds: [],
  createdBy: 'u-creator',
  createdByEmail: 'c@example.test',
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-08T00:00:00.000Z',
  generation: 2,
  onboarding: false,
  allowedEmailDomains: [],
  notifyCreator: true,
} as InviteLink;
const domain = { domainId: 'demo', name: 'Demo Media Co', defaultTeamId: 'editors', linksEnabled: true, linkGeneration: 2 } as Domain;
const kindOf = (f: () => unknown) => {
  try {
    f();
    return undefined;
  } catch (error) {
    return (error as { kind: string }).kind;
  }
};

describe('pausing all links', () => {
  it('runs until its time, then is none', () => {
    expect(pausedUntilAfter(6, now)).toBe(later);
    expect(linksPausedUntil({ linksPausedUntil: later }, now)).toBe(later);
    expect(linksPausedUntil({ linksPausedUntil: later }, new Date(later))).toBeUndefined();
    expect(linksPausedUntil({}, now)).toBeUndefined();
  });

  it('is said before a link’s own pause, with the time', () => {
    const paused = { ...domain, linksPausedUntil: later };
    expect(kindOf(() => assertNotPaused({ pausedAt: at }, paused, now))).toBe('LinksPaused');
    expect(kindOf(() => assertNotPaused({ pausedAt: at }, domain, now))).toBe('LinkPaused');
    expect(kindOf(() => assertNotPaused({}, paused, new Date(later)))).toBeUndefined();
  });
});

describe('a refused join', () => {
  const gate = (found: Partial<Domain>, joinedAt: string | undefined = at) => linkRefusal({ write: 'pass-gate', found: { linksEnabled: true, linkGeneration: 2, ...found }, ...(joinedAt ? { at: joinedAt } : {}) }, link, domain);

  it('at a gate paused at the join’s time is LINKS_PAUSED with until when; an end found there is said first', () => {
    expect(gate({ linksPausedUntil: later })).toMatchObject({ kind: 'LinksPaused', linkEnd: { reason: 'links-paused', pausedUntil: later, domainName: 'Demo Media Co' } });
    expect(gate({ linksPausedUntil: later, linksEnabled: false }).kind).toBe('LinksDisabled');
    expect(gate({ linksPausedUntil: later, linkGeneration: 3 }).kind).toBe('LinkRevoked');
    // A pause that had run out by the join's time refused nothing: the email domain did.
    expect(gate({ linksPausedUntil: at, allowedEmailDomains: ['acme.test'] }).kind).toBe('EmailDomainNotAllowed');
  });

  it('at a paused counter is LINK_PAUSED (LINKS_PAUSED while all are), unless the link was revoked or had expired', () => {
    const counter = (found: { revokedAt?: string; pausedAt?: string; expiresAt?: string }, d = domain) =>
      linkRefusal({ write: 'count-use', found: { expiresAt: link.expiresAt, ...found }, at }, link, d);
    expect(counter({ pausedAt: at })).toMatchObject({ kind: 'LinkPaused', linkEnd: { reason: 'paused' } });
    expect(counter({ pausedAt: at }, { ...domain, linksPausedUntil: later }).kind).toBe('LinksPaused');
    expect(counter({ pausedAt: at, revokedAt: at }).kind).toBe('LinkRevoked');
    expect(counter({ pausedAt: '2025-12-30T00:00:00.000Z', expiresAt: '2026-01-01T00:00:00.000Z' }).kind).toBe('LinkExpired');
  });
});

describe('the guard', () => {
  const guard = { joins: 20, withinMinutes: 10 };

  it('a new link gets its own, else the domain’s default, else none; its joins’ records carry it', () => {
    expect(pauseAfterFor({ joins: 3, withinMinutes: 1 }, { defaultPauseAfter: guard })).toEqual({ joins: 3, withinMinutes: 1 });
    expect(pauseAfterFor(undefined, { defaultPauseAfter: guard })).toEqual(guard);
    expect(pauseAfterFor(undefined, {})).toBeUndefined();
    const joiner = { userId: 'sub-pat', email: 'pat@example.test', firstName: 'Pat', lastName: 'Doe' };
    expect(planJoin({ ...link, pauseAfter: guard }, joiner, now, { joinId: 'j', isNewUser: false }).join.linkPauseAfter).toEqual(guard);
    expect(planJoin(link, joiner, now, { joinId: 'j', isNewUser: false }).join).not.toHaveProperty('linkPauseAfter');
  });

  it('its creator or an admin resumes a paused link, nobody else', () => {
    const member = (userId: string, isAdmin: boolean) => ({ userId, isAdmin }) as Pick<Membership, 'userId' | 'isAdmin'>;
    expect(kindOf(() => assertMayResume(member('u-creator', false), link))).toBeUndefined();
    expect(kindOf(() => assertMayResume(member('u-admin', true), link))).toBeUndefined();
    expect(kindOf(() => assertMayResume(member('u-other', false), link))).toBe('Forbidden');
  });
});
