/**
 * The contention scenarios' links, written straight to the table as the service makes a link with
 * no maxUses: with the use counters it gives a crowd's link (countersFor), so the bench measures
 * the layout a real link has, not the one links had before crowds.
 */
import { linkIdOf, newLinkToken } from '../../shared/domain/invite-link.ts';
import type { InviteLink, PauseAfter } from '../../shared/domain/types.ts';
import { items, type Item } from '../../shared/store/dynamodb/items.ts';
import { countersFor } from '../../shared/store/dynamodb/table.ts';
import { OWNER } from '../seed.ts';

const DAY_MS = 86_400_000;

/** `count` live links of the domain (generation 0), each with its counters; their tokens and ids, newest last. */
export async function crowdLinks(
  write: (all: Item[]) => Promise<void>,
  domainId: string,
  count: number,
  { pauseAfter }: { pauseAfter?: PauseAfter } = {},
): Promise<{ token: string; id: string; counters: number }[]> {
  const now = Date.now();
  const made = Array.from({ length: count }, (_, i) => {
    const token = newLinkToken();
    const link: InviteLink = {
      linkId: linkIdOf(token),
      domainId,
      userType: 'STANDARD',
      primaryTeamId: 'editors',
      additionalTeamIds: [],
      roleGroupIds: [],
      groupIds: [],
      createdBy: OWNER.userId,
      createdByEmail: OWNER.email,
      createdAt: new Date(now - (count - i)).toISOString(),
      expiresAt: new Date(now + DAY_MS).toISOString(),
      generation: 0,
      onboarding: false,
      allowedEmailDomains: [],
      notifyCreator: true,
      counters: countersFor(undefined),
      ...(pauseAfter ? { pauseAfter } : {}),
    };
    return { token, link };
  });
  await write(made.flatMap(({ link }) => [items.inviteLink(link), ...items.linkCounters(link)]));
  return made.map(({ token, link }) => ({ token, id: link.linkId, counters: link.counters! }));
}
