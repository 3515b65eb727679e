/**
 * The link addresses this page has, in memory only: the links made here and the ones revealed here
 * (POST .../reveal), so Copy again asks the API no more than once per page for each. Nothing is kept
 * in the browser's storage: any browser of the link's creator, or of an admin, has it from the API
 * again, and each of those reveals is in the domain's activity. Forgotten at sign-out.
 */

/** Where an earlier version of these pages kept addresses in localStorage: removed on sight. */
const OLD_PREFIX = 'invite-links.made-links';

export interface KeptLink {
  url: string;
  expiresAt: string;
}

/** By person and domain, then link id: this page's addresses. */
const kept = new Map<string, Map<string, KeptLink>>();

/** One person's link addresses in one domain on this page, expired ones dropped. */
export function linkStore(userId: string, domainId: string) {
  const key = `${userId}:${domainId}`;
  const links = kept.get(key) ?? new Map<string, KeptLink>();
  kept.set(key, links);
  return {
    get(linkId: string): KeptLink | undefined {
      const link = links.get(linkId);
      if (link && !(Date.parse(link.expiresAt) > Date.now())) links.delete(linkId);
      return links.get(linkId);
    },
    keep(linkId: string, link: KeptLink) {
      links.set(linkId, { url: link.url, expiresAt: link.expiresAt });
    },
    forget(linkId: string) {
      links.delete(linkId);
    },
  };
}

export type LinkStore = ReturnType<typeof linkStore>;

/** Signing out forgets every link address this page had, and any an earlier version left in localStorage. */
export function forgetAllLinks(): void {
  kept.clear();
  forgetStoredLinks();
}

function forgetStoredLinks(): void {
  try {
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const key = localStorage.key(i);
      if (key?.startsWith(`${OLD_PREFIX}:`)) localStorage.removeItem(key);
    }
  } catch {
    // No storage: nothing was kept.
  }
}

// Addresses kept by an earlier version are no longer read: they leave the browser at once.
forgetStoredLinks();
