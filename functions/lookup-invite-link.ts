/** POST /v1/join/lookup: what a link grants, for the join page. Public; the token comes in the body. */
import { linkNotFound, linkUsedUp } from '#shared/domain/errors.ts';
import { admittedEmailDomains, assertUsable, linkIdOf } from '#shared/domain/invite-link.ts';
import { goneLinkError } from '#shared/service/gone-link.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { now as timeNow } from '#shared/clock.ts';
import type { Membership } from '#shared/domain/types.ts';

export const handler = operationHandler(OPERATIONS['lookup-invite-link'], async ({ body }) => {
  const now = timeNow();
  const linkId = linkIdOf(body.token);
  const link = await store.getInviteLink(linkId);
  if (!link) throw await goneLinkError(store, linkId, now);
  // The creator's membership comes in the same read as the directory: the page names who invites.
  const { membership: creator, directory } = await store.getAccess(link.createdBy, link.domainId);
  if (!directory) throw linkNotFound();
  assertUsable(link, directory.domain, now);
  // Said before the person sets up an account: a used-up link (the join's own transaction decides for good).
  if (link.maxUses !== undefined && (await store.useCount(link.linkId)) >= link.maxUses) throw linkUsedUp(directory.domain.name);
  const nameOf = (items: { id: string; name: string }[], id: string | undefined) => items.find((i) => i.id === id)?.name;
  const namesOf = (items: { id: string; name: string }[], ids: string[]) => ids.map((id) => nameOf(items, id) ?? id);
  return {
    domainId: link.domainId,
    domainName: directory.domain.name,
    invitedBy: inviterOf(creator, link.createdByEmail),
    ...(link.label !== undefined ? { label: link.label } : {}),
    allowedEmailDomains: admittedEmailDomains(link, directory.domain),
    userType: link.userType,
    primaryTeamName: nameOf(directory.teams, link.primaryTeamId),
    primaryGroupName: nameOf(directory.groups, link.primaryGroupId),
    additionalTeamNames: namesOf(directory.teams, link.additionalTeamIds),
    roleGroupNames: namesOf(directory.roleGroups, link.roleGroupIds),
    groupNames: namesOf(directory.groups, link.groupIds),
    expiresAt: link.expiresAt,
  };
});

/** A name keeps the creator's address off a page anyone holding the link can open; an email only when the directory has no name, as an unnamed inviter tells nobody anything. */
function inviterOf(creator: Pick<Membership, 'firstName' | 'lastName' | 'email'> | undefined, emailThen: string): string {
  return (creator ? `${creator.firstName} ${creator.lastName}`.trim() : '') || (creator?.email ?? emailThen);
}
