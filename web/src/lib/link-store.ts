/**
 * The links this browser made, so "Copy" works again later: the API hands out a link's URL (it
 * holds the token) only once, in the answer that created it, and never lists it. Kept in
 * localStorage per signed-in person and domain, each URL only until its link expires, and all of
 * it forgotten at sign-out.
 */

const PREFIX = 'invite-links.made-links';

export interface KeptLink {
  url: string;
  expiresAt: string;
}

type Kept = Record<string, KeptLink>;

const keyOf = (userId: string, domainId: string) => `${PREFIX}:${userId}:${domainId}`;

function read(key: string): Kept {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Kept) : {};
  } catch {
    return {};
  }
}

function write(key: string, kept: Kept) {
  try {
    if (Object.keys(kept).length === 0) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(kept));
  } catch {
    // Storage full or refused: Copy is then offered only for links made on this page.
  }
}

/** The links one person made in one domain from this browser, expired ones pruned. */
export function linkStore(userId: string, domainId: string) {
  const key = keyOf(userId, domainId);
  const live = () => {
    const kept = read(key);
    const now = Date.now();
    let pruned = false;
    for (const [id, link] of Object.entries(kept)) {
      if (!(Date.parse(link.expiresAt) > now) || typeof link.url !== 'string') {
        delete kept[id];
        pruned = true;
      }
    }
    if (pruned) write(key, kept);
    return kept;
  };
  return {
    get: (linkId: string): KeptLink | undefined => live()[linkId],
    keep(linkId: string, link: KeptLink) {
      write(key, { ...live(), [linkId]: { url: link.url, expiresAt: link.expiresAt } });
    },
    forget(linkId: string) {
      const kept = live();
      delete kept[linkId];
      write(key, kept);
    },
  };
}

export type LinkStore = ReturnType<typeof linkStore>;

/** Signing out forgets every link URL this browser kept, for everyone. */
export function forgetAllLinks(): void {
  try {
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const key = localStorage.key(i);
      if (key?.startsWith(`${PREFIX}:`)) localStorage.removeItem(key);
    }
  } catch {
    // No storage: nothing was kept.
  }
}
