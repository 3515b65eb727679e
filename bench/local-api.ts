/** The bench's view of a running local stack: HTTP calls through the front door, and tokens. */
export interface ApiReply {
  status: number;
  body: any;
}

export function localApi(baseUrl: string) {
  const tokens = new Map<string, string>();
  const call = async (method: string, path: string, body?: unknown, token?: string): Promise<ApiReply> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const tokenFor = async (email: string) => {
    if (!tokens.has(email)) tokens.set(email, (await call('POST', '/local/token', { email })).body.token);
    return tokens.get(email)!;
  };
  return {
    call,
    tokenFor,
    as: async (email: string) => {
      const token = await tokenFor(email);
      return (method: string, path: string, body?: unknown) => call(method, path, body, token);
    },
  };
}

let serial = 0;
export const benchPerson = (tag: string) => {
  serial += 1;
  return { email: `bench-${tag}-${serial}-${Date.now()}@example.test`, firstName: 'Bench', lastName: `Person ${serial}` };
};

export const tokenOf = (url: string) => new URL(url).hash.slice(1);
