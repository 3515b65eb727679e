/** The "when" steps the integration tests are written in, in the contract's words. */
import type { Reply, TestStack } from './stack.ts';

export const DEMO_DOMAIN = 'demo-media-co';
export const OTHER_DOMAIN = 'other-studio';
export const OWNER = 'owner@demo.test';
export const MANAGER = 'manager@demo.test';
export const VIEWER = 'viewer@demo.test';
export const OTHER_OWNER = 'owner@other.test';

export const linksPath = (domainId = DEMO_DOMAIN) => `/v1/domains/${domainId}/invite-links`;

export function tokenOf(url: string): string {
  const token = new URL(url).hash.slice(1);
  if (!token) throw new Error(`no token in ${url}`);
  return token;
}

let people = 0;
export const newPerson = (prefix = 'person') => {
  people += 1;
  return { email: `${prefix}-${people}-${Date.now()}@example.test`, firstName: 'Pat', lastName: `Person ${people}` };
};

export function when(t: TestStack) {
  return {
    createLink: (creator: string, body: Record<string, unknown> = { userType: 'STANDARD', primaryTeamId: 'producers' }, domainId = DEMO_DOMAIN) =>
      t.as(creator).post(linksPath(domainId), body),
    /** Creates a link and returns its token, failing loudly if creation did not succeed. */
    async linkToken(creator = OWNER, body?: Record<string, unknown>, domainId = DEMO_DOMAIN): Promise<{ token: string; id: string }> {
      const res = await this.createLink(creator, body, domainId);
      if (res.status !== 201) throw new Error(`link creation failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { token: tokenOf(res.body.url), id: res.body.id };
    },
    lookup: (token: string) => t.anonymous.post('/v1/join/lookup', { token }),
    /** The person signs in (a verified identity with their name) and joins with the link's token. */
    join: async (token: string, person: { email: string; firstName: string; lastName: string } = newPerson(), body: Record<string, unknown> = {}) =>
      t.request('POST', '/v1/join', {
        token: await t.tokenFor(person.email, { givenName: person.firstName, familyName: person.lastName }),
        body: { token, ...body },
      }),
    /**
     * A join as a client makes it: a 503 BUSY (the join kept colliding, as it may on a loaded
     * machine) is tried again after its Retry-After until the service answers otherwise, so what a
     * test asserts is what concurrency must never break, however slow the machine: no loss, no duplicate.
     */
    joinAnswered(token: string, person: { email: string; firstName: string; lastName: string } = newPerson(), body: Record<string, unknown> = {}) {
      return answered(() => this.join(token, person, body));
    },
    revokeAll: (admin = OWNER, domainId = DEMO_DOMAIN) => t.as(admin).post(`${linksPath(domainId)}/revoke-all`),
    setLinksEnabled: (enabled: boolean, admin = OWNER, domainId = DEMO_DOMAIN) =>
      t.as(admin).put(`/v1/domains/${domainId}/settings/invite-links`, { enabled }),
  };
}

/** A request as a client makes it: a 503 BUSY (it kept colliding with concurrent writes) is tried again after its Retry-After. */
export async function answered(send: () => Promise<Reply>): Promise<Reply> {
  for (;;) {
    const res = await send();
    if (res.status !== 503) return res;
    await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after') ?? 1) * 1000));
  }
}

/**
 * A refusal the gateway makes before the API runs, as it looks in AWS and locally: no token is a
 * 401 problem (CloudFront's edge function), a token the JWT authorizer rejects is API Gateway's own
 * `{"message": "Unauthorized"}`.
 */
export function isUnauthorized(res: { status: number; headers: Headers; body: any }, hadToken: boolean): boolean {
  if (res.status !== 401) return false;
  if (!hadToken) return res.headers.get('content-type') === 'application/problem+json' && res.body?.code === 'UNAUTHENTICATED';
  return res.headers.get('content-type') === 'application/json' && res.body?.message === 'Unauthorized';
}
