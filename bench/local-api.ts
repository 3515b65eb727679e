/** The bench's view of a running local stack: HTTP calls through the front door, and tokens. */
import { LOCAL_TOKEN_PATH, SECRET_HEADER } from '../local/local-token-secret.ts';

export interface ApiReply {
  status: number;
  body: any;
  /** The response body's size as sent. */
  bytes: number;
}

/** `localTokenSecret`: the stack's (LocalStack.localTokenSecret), which `/local/token` asks for. */
export function localApi(baseUrl: string, localTokenSecret: string) {
  const tokens = new Map<string, string>();
  const call = async (method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}): Promise<ApiReply> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, bytes: Buffer.byteLength(text) };
  };
  /** From the stack's identity provider; an unknown email gets a verified identity with these names. */
  const tokenFor = async (email: string, names: { givenName?: string; familyName?: string } = {}) => {
    if (!tokens.has(email)) tokens.set(email, (await call('POST', LOCAL_TOKEN_PATH, { email, ...names }, undefined, { [SECRET_HEADER]: localTokenSecret })).body.token);
    return tokens.get(email)!;
  };
  return {
    call,
    tokenFor,
    /** The person signs in (their identity is made first, outside any timing) and joins with the link's token. */
    join: async (linkToken: string, person: BenchPerson) =>
      call('POST', '/v1/join', { token: linkToken }, await tokenFor(person.email, { givenName: person.firstName, familyName: person.lastName })),
    as: async (email: string) => {
      const token = await tokenFor(email);
      return (method: string, path: string, body?: unknown) => call(method, path, body, token);
    },
  };
}

export interface BenchPerson {
  email: string;
  firstName: string;
  lastName: string;
}

let serial = 0;
export const benchPerson = (tag: string): BenchPerson => {
  serial += 1;
  return { email: `bench-${tag}-${serial}-${Date.now()}@example.test`, firstName: 'Bench', lastName: `Person ${serial}` };
};

export const tokenOf = (url: string) => new URL(url).hash.slice(1);
