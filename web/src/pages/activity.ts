/**
 * Activity (/activity?domain=…[&type=…]), for members who may invite: the domain's audit trail,
 * newest first, a page at a time, each entry in plain words (who created, revoked, joined, switched
 * links off or on, invited by email, changed or removed a member) with its time; a filter by kind
 * of activity that the address keeps (`type`, as the API takes it). Members who may not invite in the domain on show
 * are told so plainly, with the domain picker and that domain's Home.
 * The caller, the first page and the domain's team and group names are asked for at once.
 */
import type { ActivityEntry } from '../../../shared/contract/event-schemas.ts';
import { api, ApiError, session } from '../lib/api.ts';
import { failure, showingDomain, startSignedInPage } from '../lib/app.ts';
import { chooseDomain, domainPicker, notAllowedNotice, notMemberNotice, pageHead, wantedDomainId } from '../lib/domains.ts';
import { byId, h, render, type Child } from '../lib/dom.ts';
import { pagedList, type PagedList } from '../lib/paging.ts';
import { formatDateTime, mayInvite, plural, USER_TYPE_LABEL, type Group, type Items, type Me, type Membership, type Page, type RoleGroup, type Team } from '../lib/model.ts';

const main = byId('main');

/** The filter's choices: each a kind of activity in plain words, and the `type` it asks the API for. */
const FILTERS = [
  { label: 'All activity', type: '' },
  { label: 'Joins', type: 'MemberJoined' },
  { label: 'Links created', type: 'InviteLinkCreated' },
  { label: 'Links revoked or deleted', type: 'InviteLinkRevoked,InviteLinksRevokedAll' },
  { label: 'Links copied again', type: 'InviteLinkRevealed' },
  { label: 'Links switched off or on', type: 'InviteLinksDisabled,InviteLinksEnabled' },
  { label: 'Links paused or resumed', type: 'InviteLinksPaused,InviteLinksResumed,InviteLinkPaused,InviteLinkResumed' },
  { label: 'Links ending or ended', type: 'InviteLinkExpiring,InviteLinkUsedUp,InviteLinkExpired' },
  { label: 'Invitations by email', type: 'InvitationCreated,InvitationResent,InvitationRevoked,InvitationsRevokedAll,InvitationAccepted' },
  { label: 'Join requests', type: 'JoinRequested,JoinApproved,JoinDeclined' },
  { label: 'Members changed or removed', type: 'MemberUpdated,MemberRemoved,MemberRejoinAllowed' },
] as const;

/** The names the entries' ids stand for; an id stays as it is when its name is unknown (or was deleted). */
interface Names {
  teams: Map<string, string>;
  roleGroups: Map<string, string>;
  groups: Map<string, string>;
}

const pathOf = (domainId: string) => `/v1/domains/${encodeURIComponent(domainId)}`;
const activityPath = (domainId: string, type: string) => `${pathOf(domainId)}/activity${type ? `?type=${encodeURIComponent(type)}` : ''}`;
const wantedType = () => FILTERS.find((f) => f.type === (new URLSearchParams(location.search).get('type') ?? ''))?.type ?? '';

function loadNames(domainId: string): Promise<Names> {
  const base = pathOf(domainId);
  const byId = <T extends { id: string; name: string }>(answer: Promise<Items<T>>) =>
    answer.then((list) => new Map(list.items.map((i) => [i.id, i.name])), () => new Map<string, string>());
  return Promise.all([byId(api<Items<Team>>('GET', `${base}/teams`)), byId(api<Items<RoleGroup>>('GET', `${base}/role-groups`)), byId(api<Items<Group>>('GET', `${base}/groups`))]).then(
    ([teams, roleGroups, groups]) => ({ teams, roleGroups, groups }),
  );
}

async function start() {
  // The domain the address names is asked for together with /v1/me, not after it.
  const wanted = session.token() ? wantedDomainId() : undefined;
  const early = wanted ? { domainId: wanted, type: wantedType(), page: api<Page<ActivityEntry>>('GET', activityPath(wanted, wantedType())), names: loadNames(wanted) } : undefined;
  early?.page.catch(() => undefined);
  const me = await startSignedInPage('activity');
  const { membership, notMemberOf } = chooseDomain(me);
  if (notMemberOf) return render(main, h('h1', {}, 'Activity'), notMemberNotice(me, notMemberOf, '/activity'));
  if (!membership) return location.replace('/home');
  await show(me, membership, early?.domainId === membership.domainId ? early : undefined);
}

/** The activity of a domain where the person may invite; elsewhere, why not: who may see it is who may invite. */
function show(me: Me, membership: Membership, early?: Early): Promise<void> {
  if (mayInvite(membership)) return showDomain(me, membership, early);
  showingDomain(membership);
  render(
    main,
    pageHead('Activity', domainPicker(me, membership, (next) => show(me, next).catch(showFailure))),
    notAllowedNotice(me, membership, {
      id: 'activity-not-allowed',
      sentence: `You're not allowed to see the activity of ${membership.domainName}.`,
      why: 'Only members who may invite people see it.',
    }),
  );
  return Promise.resolve();
}

interface Early {
  domainId: string;
  type: string;
  page: Promise<Page<ActivityEntry>>;
  names: Promise<Names>;
}

async function showDomain(me: Me, membership: Membership, early?: Early) {
  showingDomain(membership);
  let type: string = wantedType();
  keepInAddress(membership.domainId, type);
  render(main, h('p', { class: 'loading' }, 'Loading activity…'));
  const names = early?.names ?? loadNames(membership.domainId);
  const list = h('div', { id: 'activity-list' });
  const summary = h('p', { class: 'muted', id: 'activity-summary', role: 'status' });
  let showing = 0;

  const filter = h(
    'select',
    {
      id: 'activity-type',
      onchange: () => {
        type = filter.value;
        keepInAddress(membership.domainId, type);
        void refresh().catch(showFailure);
      },
    },
    FILTERS.map((f) => h('option', { value: f.type, selected: f.type === type }, f.label)),
  );

  const refresh = async (firstPage?: Promise<Page<ActivityEntry>>) => {
    const mine = ++showing;
    const known = await names;
    await pagedList<ActivityEntry>(
      activityPath(membership.domainId, type),
      ({ items, more }: PagedList<ActivityEntry>) => {
        if (mine !== showing) return; // a newer filter's list has taken over
        const kind = FILTERS.find((f) => f.type === type)!;
        summary.textContent = items.length
          ? `${membership.domainName} · ${more ? `the latest ${plural(items.length, 'entry', 'entries')}` : plural(items.length, 'entry', 'entries')}${type ? ` · ${kind.label.toLowerCase()}` : ''}`
          : `${membership.domainName} · ${type ? `no ${kind.label.toLowerCase()}` : 'nothing yet'} in the last 90 days`;
        render(list, items.length ? h('ol', { class: 'link-list activity-list' }, items.map((entry) => row(entry, known))) : null, more);
      },
      firstPage,
    );
  };

  render(
    main,
    pageHead(
      'Activity',
      domainPicker(me, membership, (next) => show(me, next).catch(showFailure)),
      h('div', { class: 'field inline' }, h('label', { for: 'activity-type' }, 'Show'), filter),
    ),
    summary,
    list,
  );
  await refresh(early && early.type === type ? early.page : undefined);
}

/** The address says which domain and which kind of activity, so a reload or a shared address shows the same. */
function keepInAddress(domainId: string, type: string) {
  const query = new URLSearchParams({ domain: domainId, ...(type ? { type } : {}) });
  history.replaceState(null, '', `?${query.toString().replace(/%2C/g, ',')}`);
}

const quoted = (label: string | undefined) => (label ? `‘${label}’` : undefined);
const nameOf = (names: Map<string, string>, id: string) => names.get(id) ?? id;
const listOf = (names: Map<string, string>, ids: readonly string[]) => ids.map((id) => nameOf(names, id)).join(', ');

/** "Standard, Producers, Marketing": a link's or member's user type and teams, the primary team first. */
function grantText(userType: keyof typeof USER_TYPE_LABEL, teamIds: readonly string[], names: Names): string {
  return [USER_TYPE_LABEL[userType], ...teamIds.map((id) => nameOf(names.teams, id))].join(', ');
}

/** One entry in plain words: the sentence, what it changed (when there is more to say), and when. */
function row(entry: ActivityEntry, names: Names): HTMLElement {
  const who = entry.actor?.email ?? 'The service';
  let sentence: Child[];
  let more: string | undefined;
  switch (entry.type) {
    case 'InviteLinkCreated': {
      const { link } = entry;
      const teams = [...(link.primaryTeamId ? [link.primaryTeamId] : []), ...link.additionalTeamIds];
      const what = link.onboarding ? 'the onboarding link' : 'a link';
      sentence = [who, ` created ${what}`, link.label ? ` ${quoted(link.label)}` : '', ` (${grantText(link.userType, teams, names)})`];
      more = link.roleGroupIds.length ? `Role groups: ${listOf(names.roleGroups, link.roleGroupIds)}` : undefined;
      break;
    }
    case 'InviteLinkRevoked': {
      const { link } = entry;
      const by = link.createdByEmail && link.createdByEmail !== entry.actor?.email ? ` made by ${link.createdByEmail}` : '';
      sentence = [who, ` revoked ${link.label ? `the link ${quoted(link.label)}` : 'a link'}${by}`];
      break;
    }
    case 'InviteLinkRevealed': {
      const { link } = entry;
      const by = link.createdByEmail && link.createdByEmail !== entry.actor?.email ? ` made by ${link.createdByEmail}` : '';
      sentence = [who, ` copied ${link.label ? `the link ${quoted(link.label)}` : 'a link'}${by} again`];
      break;
    }
    case 'InviteLinksRevokedAll':
      sentence = [who, !entry.createdBy ? ' deleted all links' : entry.createdBy === entry.actor?.userId ? ' deleted all the links they made' : ' deleted all the links one member made'];
      break;
    case 'InviteLinksDisabled':
      sentence = [who, ' switched links off'];
      break;
    case 'InviteLinksEnabled':
      sentence = [who, ' switched links on'];
      break;
    case 'MemberJoined': {
      const { member, link, invitation } = entry;
      const via = invitation ? (invitation.createdByEmail ? `an invitation from ${invitation.createdByEmail}` : 'an invitation by email') : link?.label ? quoted(link.label) : 'a link';
      sentence = [member.email, ` joined via ${via}`];
      more = grantText(member.userType, member.teamIds, names);
      break;
    }
    case 'InvitationCreated': {
      const { invitation } = entry;
      const teams = [...(invitation.primaryTeamId ? [invitation.primaryTeamId] : []), ...invitation.additionalTeamIds];
      sentence = [who, ` invited ${invitation.email} by email (${grantText(invitation.userType, teams, names)})`];
      more = invitation.roleGroupIds.length ? `Role groups: ${listOf(names.roleGroups, invitation.roleGroupIds)}` : undefined;
      break;
    }
    case 'InvitationResent':
      sentence = [who, ` sent the invitation to ${entry.invitation.email} again`];
      more = 'The link in the earlier email no longer works.';
      break;
    case 'InvitationRevoked': {
      const { invitation } = entry;
      const by = invitation.createdByEmail && invitation.createdByEmail !== entry.actor?.email ? ` sent by ${invitation.createdByEmail}` : '';
      sentence = [who, ` revoked the invitation to ${invitation.email}${by}`];
      break;
    }
    case 'InvitationsRevokedAll':
      sentence = [who, ` revoked all pending invitations (${entry.revoked})`];
      break;
    case 'InvitationAccepted':
      sentence = [entry.member.email, entry.invitation.createdByEmail ? ` accepted the invitation from ${entry.invitation.createdByEmail}` : ' accepted their invitation by email'];
      break;
    case 'MemberUpdated':
      sentence = [who, ` updated ${entry.member.email}`];
      more = changes(entry.before, entry.after, names);
      break;
    case 'MemberRemoved':
      sentence = entry.reason === 'expired' ? [`The membership of ${entry.member.email} ended`] : [who, ` removed ${entry.member.email}`];
      more = entry.rejoinBlocked ? 'They cannot join again through a link until an admin allows it.' : entry.rejoinBlocked === false ? 'They may join again through a link.' : undefined;
      break;
    case 'MemberRejoinAllowed':
      sentence = [who, ` allowed ${entry.member.email} to join again`];
      break;
    case 'JoinRequested':
      sentence = [entry.request.email, ' asked to join through a link that needs approval'];
      break;
    case 'JoinApproved':
      sentence = [who, ` approved ${entry.request.email}’s request to join`];
      more = grantText(entry.member.userType, entry.member.teamIds, names);
      break;
    case 'JoinDeclined':
      sentence = [who, ` declined ${entry.request.email}’s request to join`];
      more = entry.reason ? `Reason: ${entry.reason}` : undefined;
      break;
    case 'InviteLinksPaused':
      sentence = [who, ` paused all links for ${plural(entry.hours, 'hour')}`];
      more = `No link lets anyone join until ${formatDateTime(entry.pausedUntil)}, unless an admin resumes them sooner.`;
      break;
    case 'InviteLinksResumed':
      sentence = [who, ' resumed all links'];
      break;
    case 'InviteLinkPaused': {
      const { link } = entry;
      const which = link.label ? `The link ${quoted(link.label)}` : 'A link';
      sentence = entry.actor ? [who, ` paused ${link.label ? `the link ${quoted(link.label)}` : 'a link'}`] : [`${which} paused itself: more than ${plural(entry.joins, 'person', 'people')} joined within ${plural(entry.withinMinutes, 'minute')}`];
      more = entry.burst.length ? `Joined in that time: ${entry.burst.map((b) => b.email).join(', ')}` : undefined;
      break;
    }
    case 'InviteLinkResumed': {
      const { link } = entry;
      const by = link.createdByEmail && link.createdByEmail !== entry.actor?.email ? ` made by ${link.createdByEmail}` : '';
      sentence = [who, ` resumed ${link.label ? `the link ${quoted(link.label)}` : 'a link'}${by}`];
      break;
    }
    case 'InviteLinkExpiring': {
      const { link } = entry;
      sentence = [`${link.label ? `The link ${quoted(link.label)}` : 'A link'}${link.createdByEmail ? ` made by ${link.createdByEmail}` : ''} expires ${formatDateTime(entry.expiresAt)}`];
      more = entry.maxUses !== undefined ? `${entry.useCount} of ${entry.maxUses} uses taken` : `${plural(entry.useCount, 'person', 'people')} joined through it so far`;
      break;
    }
    case 'InviteLinkUsedUp': {
      const { link } = entry;
      sentence = [`${link.label ? `The link ${quoted(link.label)}` : 'A link'}${link.createdByEmail ? ` made by ${link.createdByEmail}` : ''} is used up: all ${entry.maxUses} uses taken`];
      break;
    }
    case 'InviteLinkExpired': {
      const { link } = entry;
      sentence = [`${link.label ? `The link ${quoted(link.label)}` : 'A link'}${link.createdByEmail ? ` made by ${link.createdByEmail}` : ''} expired`];
      more = `${plural(entry.useCount, 'person', 'people')} joined through it`;
      break;
    }
  }
  return h(
    'li',
    { class: 'link-item activity-item', 'data-type': entry.type, 'data-event-id': entry.eventId },
    h('div', {}, h('p', { class: 'activity-text' }, sentence), more ? h('p', { class: 'muted activity-more' }, more) : null),
    h('time', { class: 'muted', datetime: entry.occurredAt }, formatDateTime(entry.occurredAt)),
  );
}

type Grant = Extract<ActivityEntry, { type: 'MemberUpdated' }>['before'];

/** "User type: Standard → Power · Teams: Producers, Marketing → Producers": only what changed. */
function changes(before: Grant, after: Grant, names: Names): string | undefined {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  const parts = [
    before.userType !== after.userType ? `User type: ${USER_TYPE_LABEL[before.userType]} → ${USER_TYPE_LABEL[after.userType]}` : null,
    before.isAdmin !== after.isAdmin ? (after.isAdmin ? 'Made an admin' : 'No longer an admin') : null,
    !same(before.teamIds, after.teamIds) ? `Teams: ${listOf(names.teams, before.teamIds) || 'none'} → ${listOf(names.teams, after.teamIds) || 'none'}` : null,
    !same(before.roleGroupIds, after.roleGroupIds)
      ? `Role groups: ${listOf(names.roleGroups, before.roleGroupIds) || 'none'} → ${listOf(names.roleGroups, after.roleGroupIds) || 'none'}`
      : null,
    !same(before.groupIds, after.groupIds) ? `Legacy groups: ${listOf(names.groups, before.groupIds) || 'none'} → ${listOf(names.groups, after.groupIds) || 'none'}` : null,
    before.memberUntil !== after.memberUntil ? `Membership ends: ${before.memberUntil ? formatDateTime(before.memberUntil) : 'never'} → ${after.memberUntil ? formatDateTime(after.memberUntil) : 'never'}` : null,
  ].filter((part) => part !== null);
  return parts.length ? parts.join(' · ') : undefined;
}

function showFailure(error: unknown) {
  // The API says no when the person's permission went away after /v1/me: the same plain answer.
  if (error instanceof ApiError && error.status === 403) {
    render(
      main,
      h('h1', {}, 'Activity'),
      h('div', { class: 'notice', id: 'activity-not-allowed', role: 'alert' }, h('p', {}, h('strong', {}, "You're not allowed to see this activity."), ` ${error.detail}`), h('p', {}, h('a', { href: '/home' }, 'Go to Home'))),
    );
    return;
  }
  render(main, h('h1', {}, 'Activity'), failure(error));
}

start().catch(showFailure);
