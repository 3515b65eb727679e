/**
 * Joining through a link: read the link, let the domain plan the writes, commit them, and when a
 * write's condition refused, let the domain say what that means for the person.
 */
import { randomUUID } from 'node:crypto';
import { linkIdOf } from '../domain/invite-link.ts';
import { linkRefusal, personRefusal, planJoin, type Joiner } from '../domain/join.ts';
import type { Membership } from '../domain/types.ts';
import type { Store } from '../store/store.ts';
import { goneLinkError } from './gone-link.ts';

export async function joinThroughLink(store: Store, token: string, joiner: Joiner, now: Date): Promise<Membership> {
  const linkId = linkIdOf(token);
  const { link, isNewUser } = await store.linkForJoin(linkId, joiner.userId);
  if (!link) throw await goneLinkError(store, linkId, now);
  const plan = planJoin(link, joiner, now, { joinId: randomUUID(), isNewUser });
  const commit = await store.commitJoin(plan.writes);
  if ('done' in commit) return plan.membership;

  const { refused } = commit;
  const aboutThePerson = personRefusal(refused);
  if (aboutThePerson) throw aboutThePerson;
  if (refused.write !== 'count-use' && refused.write !== 'pass-gate') throw new Error(`a join write that cannot refuse did: ${refused.write}`);
  // A link without counters any more was removed by TTL after it expired; a domain gone takes its links with it.
  const domain = refused.write === 'count-use' && !refused.usedUp && !refused.found ? undefined : await store.getDomain(link.domainId);
  if (!domain) throw await goneLinkError(store, linkId, now);
  throw linkRefusal(refused, link, domain);
}
