/**
 * What a token grants, for the join page: an invite link's offer, or an invitation by email's (who
 * sent it, and the one address that may accept it). Refused as the join would refuse it, so the
 * page says so before the person sets up an account.
 */
import type * as z from 'zod/mini';
import type { linkLookup } from '../contract/responses.ts';
import { invitationEnded, linkNotFound, linkUsedUp } from '../domain/errors.ts';
import { admittedEmailDomains, assertNotPaused, assertUsable, linkIdOf } from '../domain/invite-link.ts';
import { invitationEnd } from '../domain/join.ts';
import type { Directory, Invitation, InviteLink, LinkGrant, Membership } from '../domain/types.ts';
import type { Store } from '../store/store.ts';
import { goneLinkError } from './gone-link.ts';

export type TokenLookup = z.output<typeof linkLookup>;

/** `seen`: told of the link a token opens (its stats count the visit), alongside the lookup's own reads; it never fails. */
export async function lookUpToken(store: Store, token: string, now: Date, seen?: (link: InviteLink) => Promise<void>): Promise<TokenLookup> {
  const tokenHash = linkIdOf(token);
  const link = await store.getInviteLink(tokenHash);
  if (link) {
    const counted = seen?.(link);
    try {
      return await lookUpLink(store, link, now);
    } finally {
      await counted;
    }
  }
  const invitation = await store.invitationOfToken(tokenHash);
  if (invitation) return lookUpInvitation(store, invitation, tokenHash, now);
  throw await goneLinkError(store, tokenHash, now);
}

async function lookUpLink(store: Store, link: InviteLink, now: Date): Promise<TokenLookup> {
  // The creator's membership comes in the same read as the directory: the page names who invites.
  const { membership: creator, directory } = await store.getAccess(link.createdBy, link.domainId);
  if (!directory) throw linkNotFound();
  assertUsable(link, directory.domain, now);
  // Said before the person sets up an account: a used-up link (the join's own transaction decides for good).
  if (link.maxUses !== undefined && (await store.useCount(link)) >= link.maxUses) throw linkUsedUp(directory.domain.name);
  // A pause ends nothing, so it is said only of a link that would otherwise work.
  assertNotPaused(link, directory.domain, now);
  return {
    kind: 'link',
    domainId: link.domainId,
    domainName: directory.domain.name,
    invitedBy: nameOf(creator) || (creator?.email ?? link.createdByEmail),
    ...(link.label !== undefined ? { label: link.label } : {}),
    allowedEmailDomains: admittedEmailDomains(link, directory.domain),
    // Never who made it: the page says the person who shared it and the domain's admins review requests.
    ...(link.requireApproval ? { requireApproval: true as const } : {}),
    ...grantNames(link, directory),
    expiresAt: link.expiresAt,
  };
}

/** Only the invited person holds this token, so the sender's address is no secret here, unlike on a link anyone may forward. */
async function lookUpInvitation(store: Store, invitation: Invitation, tokenHash: string, now: Date): Promise<TokenLookup> {
  const { membership: sender, directory } = await store.getAccess(invitation.createdBy, invitation.domainId);
  if (!directory) throw linkNotFound();
  const ended = invitationEnd(invitation, tokenHash, now, directory.domain);
  if (ended) throw invitationEnded(ended, directory.domain.name);
  const name = nameOf(sender);
  return {
    kind: 'invitation',
    domainId: invitation.domainId,
    domainName: directory.domain.name,
    invitedBy: { ...(name ? { name } : {}), email: sender?.email ?? invitation.createdByEmail },
    invitedEmail: invitation.email,
    ...(invitation.message !== undefined ? { message: invitation.message } : {}),
    ...grantNames(invitation, directory),
    expiresAt: invitation.expiresAt,
  };
}

/** The creator's name as the directory has it now; empty when they have none or have left. */
const nameOf = (member: Pick<Membership, 'firstName' | 'lastName'> | undefined) => (member ? `${member.firstName} ${member.lastName}`.trim() : '');

function grantNames(grant: LinkGrant, directory: Directory) {
  const nameIn = (items: { id: string; name: string }[], id: string | undefined) => items.find((i) => i.id === id)?.name;
  const namesIn = (items: { id: string; name: string }[], ids: string[]) => ids.map((id) => nameIn(items, id) ?? id);
  return {
    userType: grant.userType,
    primaryTeamName: nameIn(directory.teams, grant.primaryTeamId),
    primaryGroupName: nameIn(directory.groups, grant.primaryGroupId),
    additionalTeamNames: namesIn(directory.teams, grant.additionalTeamIds),
    roleGroupNames: namesIn(directory.roleGroups, grant.roleGroupIds),
    groupNames: namesIn(directory.groups, grant.groupIds),
  };
}
