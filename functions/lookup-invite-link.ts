/** POST /v1/join/lookup: what a link grants, for the join page. Public; the token comes in the body. */
import { linkNotFound, linkUsedUp } from '#shared/domain/errors.ts';
import { admittedEmailDomains, assertUsable, linkIdOf } from '#shared/domain/invite-link.ts';
import { goneLinkError } from '#shared/service/gone-link.ts';
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/contract/operations.ts';
import { store } from '#shared/store/dynamodb/index.ts';
import { now as timeNow } from '#shared/clock.ts';

export const handler = operationHandler(OPERATIONS['lookup-invite-link'], async ({ body }) => {
  const now = timeNow();
  const linkId = linkIdOf(body.token);
  const link = await store.getInviteLink(linkId);
  if (!link) throw await goneLinkError(store, linkId, now);
  const directory = await store.getDirectory(link.domainId);
  if (!directory) throw linkNotFound();
  assertUsable(link, directory.domain, now);
  // Said before the person sets up an account: a used-up link (the join's own transaction decides for good).
  if (link.maxUses !== undefined && (await store.useCount(link.linkId)) >= link.maxUses) throw linkUsedUp(directory.domain.name);
  const nameOf = (items: { id: string; name: string }[], id: string | undefined) => items.find((i) => i.id === id)?.name;
  const namesOf = (items: { id: string; name: string }[], ids: string[]) => ids.map((id) => nameOf(items, id) ?? id);
  return {
    domainName: directory.domain.name,
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
