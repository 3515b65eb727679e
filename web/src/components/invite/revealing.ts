/**
 * Copy on a listed link, in any browser: the address this page has (made or revealed here), else
 * the API reveals it to the link's creator or an admin (each reveal is in the domain's activity).
 * Nobody else is offered Copy, so nobody is refused one.
 */
import { api } from '../../lib/api.ts';
import type { LinkStore } from '../../lib/link-store.ts';
import type { Directory, InviteLink } from '../../lib/model.ts';

/** The API's answer to a reveal: the link's id and its address. */
interface Revealed {
  id: string;
  url: string;
}

/** Who may copy a link: its creator and the domain's admins, as the API decides it too. */
export const mayReveal = ({ me, membership }: Pick<Directory, 'me' | 'membership'>, link: Pick<InviteLink, 'createdBy'>) =>
  membership.isAdmin || link.createdBy === me.userId;

/** The one line above the links when some have no Copy: why, once, not on every row. */
export const COPY_RULE = 'Only a link’s creator or an admin can copy it.';

/** A listed link's address, asked of the API once per page and link (a second press copies what the first got). */
export function linkRevealing(base: string, store: LinkStore) {
  const asked = new Map<string, Promise<string>>();
  return function addressOf(link: InviteLink): Promise<string> {
    const kept = store.get(link.id);
    if (kept) return Promise.resolve(kept.url);
    let address = asked.get(link.id);
    if (!address) {
      address = api<Revealed>('POST', `${base}/invite-links/${encodeURIComponent(link.id)}/reveal`).then(({ url }) => {
        store.keep(link.id, { url, expiresAt: link.expiresAt });
        return url;
      });
      asked.set(link.id, address);
      // A refusal is not kept: the next press asks again.
      address.catch(() => asked.delete(link.id));
    }
    return address;
  };
}
