/** A link in words, as its row, the onboarding link and the revoke confirmation say it. */
import { formatDateTime, plural, USER_TYPE_LABEL, type Directory, type InviteLink } from '../../lib/model.ts';
import { pauseAfterWords } from '../pause-after.ts';

/** "used 2 times", or for a link with a limit "used 1 of 3 · 2 left". */
export function usesText(link: InviteLink): string {
  if (link.maxUses === undefined) return `used ${plural(link.useCount, 'time')}`;
  const left = link.remainingUses ?? Math.max(0, link.maxUses - link.useCount);
  return `used ${link.useCount} of ${link.maxUses} · ${left} left`;
}

/** "Pauses if more than 20 people join within 10 minutes", for a link with a guard. */
export const pauseAfterText = ({ pauseAfter }: Pick<InviteLink, 'pauseAfter'>) => (pauseAfter ? `Pauses if ${pauseAfterWords(pauseAfter)}` : null);

/** "Standard · Producers (primary team) · + Marketing · role groups: Contributors", in names, not ids. */
export function describeLink(link: Pick<InviteLink, 'userType' | 'primaryTeamId' | 'primaryGroupId' | 'additionalTeamIds' | 'roleGroupIds' | 'groupIds'>, { teams, roleGroups, groups }: Directory): string {
  const name = (items: { id: string; name: string }[], id: string) => items.find((i) => i.id === id)?.name ?? id;
  const parts = [USER_TYPE_LABEL[link.userType]];
  if (link.primaryTeamId) parts.push(`${name(teams, link.primaryTeamId)} (primary team)`);
  if (link.primaryGroupId) parts.push(`${name(groups, link.primaryGroupId)} (primary legacy group)`);
  if (link.additionalTeamIds.length) parts.push(`+ ${link.additionalTeamIds.map((id) => name(teams, id)).join(', ')}`);
  if (link.roleGroupIds.length) parts.push(`role groups: ${link.roleGroupIds.map((id) => name(roleGroups, id)).join(', ')}`);
  if (link.groupIds.length) parts.push(`legacy groups: ${link.groupIds.map((id) => name(groups, id)).join(', ')}`);
  return parts.join(' · ');
}

/** Where the onboarding link puts people: "the Producers team". */
export const defaultTeamName = ({ teams }: Directory) => {
  const team = teams.find((t) => t.isDefault);
  return team ? `the ${team.name} team` : 'the default team';
};

/**
 * What each listed link is called for a screen reader, one name per link: its label (or what it
 * grants), then when it was made where that repeats, then its id's end where even that repeats.
 */
export function distinctNames(links: InviteLink[], directory: Directory): Map<string, string> {
  const named = (l: InviteLink) => l.label ?? describeLink(l, directory);
  const dated = (l: InviteLink) => `${named(l)}, made ${formatDateTime(l.createdAt)}`;
  const repeats = (name: (l: InviteLink) => string, link: InviteLink) => links.some((other) => other.id !== link.id && name(other) === name(link));
  return new Map(links.map((l) => [l.id, !repeats(named, l) ? named(l) : !repeats(dated, l) ? dated(l) : `${dated(l)}, link …${l.id.slice(-6)}`]));
}
