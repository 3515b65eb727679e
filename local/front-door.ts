/**
 * The local HTTP front door: what API Gateway (HTTP API, payload 2.0) does in AWS. It matches
 * the route table, verifies bearer tokens like the JWT authorizer, throttles the public routes,
 * turns each request into the same event Lambda receives and calls the same handler module.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { API_TIMEOUT_SECONDS } from '#shared/config.ts';
import { forbidden, invalidRequest, payloadTooLarge, ServiceError, rateLimited, unauthenticated } from '#shared/domain/errors.ts';
import { problemResponse } from '#shared/http/problem.ts';
import { CLIENT_LIMITS, OPERATION_LIST, PUBLIC_THROTTLE, routeKey, type ClientLimit, type ClientLimitRule, type OperationName, type RateLimit } from '#shared/contract/operations.ts';
import { lambdaContext, toEvent } from './front-door/lambda-event.ts';
import { ClientWindows, TokenBucket } from './front-door/limits.ts';
import { readBody, send } from './http.ts';
import { NO_IAM, type IamEmulation } from './iam/emulation.ts';
import type { AuthorizerClaims, JwtAuthorizer } from './jwt-authorizer.ts';

type Handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** API Gateway refuses payloads over 10 MB; the handlers refuse anything over 16 KiB themselves. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface FrontDoorOptions {
  port: number;
  /** Each handler runs as its function, so its AWS calls are authorized against its own role. */
  iam?: IamEmulation;
  /** How long a handler may run before it answers as a timed-out Lambda does; the deployed timeout unless a test on a loaded machine allows more. */
  functionTimeoutMs?: number;
  throttle?: { rateLimit: number; burstLimit: number };
  /** Per client address, as WAF counts in AWS; tests shorten them. */
  clientLimits?: Partial<Record<ClientLimit, ClientLimitRule>>;
  /**
   * What sits behind the door, made once the port is known (the identity provider's issuer names
   * it). Requests that arrive before it is ready wait for it.
   */
  configure(origin: string): Promise<FrontDoorParts>;
}

export interface FrontDoorParts {
  /** Checks bearer tokens on `jwt` routes, as the HTTP API's JWT authorizer does. */
  authorizer: JwtAuthorizer;
  /** Whole path prefixes served by another handler that reads the request itself (the identity provider), each with its own per-client limit. */
  mounts?: { prefix: string; handle(req: IncomingMessage, res: ServerResponse): void; clientLimit?: RateLimit }[];
  /** Anything that is not an API route: local helpers, pages. Returns false when it did not answer. */
  fallback?: (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<boolean>;
}

export interface FrontDoor {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startFrontDoor(options: FrontDoorOptions): Promise<FrontDoor> {
  const matchers = OPERATION_LIST.map((route) => ({ route, pattern: templateToRegExp(route.path) }));
  const handlers = new Map<OperationName, Promise<Handler>>();
  const loadHandler = (name: OperationName) => {
    if (!handlers.has(name)) handlers.set(name, import(`../functions/${name}.ts`).then((m: { handler: Handler }) => m.handler));
    return handlers.get(name)!;
  };
  const iam = options.iam ?? NO_IAM;
  const functionTimeoutMs = options.functionTimeoutMs ?? API_TIMEOUT_SECONDS * 1000;
  const buckets = new Map<string, TokenBucket>();
  const throttle = options.throttle ?? PUBLIC_THROTTLE;
  const clientLimits: Record<ClientLimit, ClientLimitRule> = { ...CLIENT_LIMITS, ...options.clientLimits };
  const perClient = new ClientWindows();

  let parts: Promise<FrontDoorParts> | undefined;
  const server = createServer((req, res) => {
    void serve(req, res, parts!).catch((error: unknown) => {
      console.error('front door:', error);
      if (!res.headersSent) send(res, problemResponse(error));
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse, ready: Promise<FrontDoorParts>) {
    const { authorizer, mounts = [], fallback } = await ready;
    // A web page on another name that resolves here (DNS rebinding) reaches nothing: not the API, the pages, the provider or the helpers.
    if (!isLocalHost(req.headers.host, req.socket.localPort)) {
      return send(res, problemResponse(forbidden(`This local stack answers only Host localhost:${req.socket.localPort} or 127.0.0.1:${req.socket.localPort}.`)));
    }
    const mount = mounts.find((m) => req.url === m.prefix || req.url?.startsWith(`${m.prefix}/`) || req.url?.startsWith(`${m.prefix}?`));
    if (mount) {
      const wait = mount.clientLimit && perClient.take(`${mount.prefix} ${req.socket.remoteAddress}`, mount.clientLimit);
      if (wait !== undefined) return send(res, asPlainJson(problemResponse(rateLimited(wait))));
      return mount.handle(req, res);
    }
    const body = await readBody(req, MAX_PAYLOAD_BYTES);
    if (body === undefined) return send(res, problemResponse(payloadTooLarge()));
    let url: URL;
    let match: ReturnType<typeof matchRoute>;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
      match = matchRoute(req.method ?? 'GET', url.pathname);
    } catch {
      return send(res, problemResponse(invalidRequest('path', 'is not a valid URL path (a malformed %-escape?)')));
    }
    if (!match) {
      if (fallback && (await fallback(req, res, body))) return;
      return send(res, problemResponse(new ServiceError('NotFound', `No route for ${req.method} at this path. The operations are listed at /v1/openapi.json.`)));
    }
    const { route, pathParameters } = match;
    // WAF sits in front of everything else in AWS: its per-client count comes first.
    if (route.clientLimit) {
      const { perAddress, perPerson } = clientLimits[route.clientLimit];
      const person = req.headers.authorization;
      // As WAF's rules in their order: a request the address's rule refuses is not counted against the person.
      const wait =
        perClient.take(`${route.clientLimit} address ${req.socket.remoteAddress}`, perAddress) ??
        (perPerson && person ? perClient.take(`${route.clientLimit} person ${person}`, perPerson) : undefined);
      // WAF's custom response: the problem body, but WAF can only call it application/json.
      if (wait !== undefined) return send(res, asPlainJson(problemResponse(rateLimited(wait))));
    }
    if (route.auth === 'public') {
      const key = routeKey(route);
      if (!buckets.has(key)) buckets.set(key, new TokenBucket(throttle.rateLimit, throttle.burstLimit));
      if (!buckets.get(key)!.take()) return send(res, GATEWAY.tooManyRequests);
    }
    let claims: AuthorizerClaims | undefined;
    if (route.auth === 'jwt') {
      claims = await authorizer.authorize(req.headers.authorization);
      // No Authorization header: CloudFront's edge function answers, as the handlers would. A token the
      // JWT authorizer rejects: API Gateway's own body, which nothing in AWS can change.
      if (!req.headers.authorization) return send(res, problemResponse(unauthenticated()));
      if (!claims) return send(res, GATEWAY.unauthorized);
    }
    const handler = await loadHandler(route.name);
    // Lambda runs it with the function's own role: its AWS calls are authorized as that role's (IAM emulation).
    const result = await iam.asFunction(route.name, () => handler(toEvent(req, url, route, pathParameters, body, claims), lambdaContext(route.name, functionTimeoutMs)));
    send(res, result);
  }

  function matchRoute(method: string, path: string) {
    for (const { route, pattern } of matchers) {
      if (route.method !== method) continue;
      const m = pattern.exec(path);
      if (m) return { route, pathParameters: Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)])) };
    }
    return undefined;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  server.keepAliveTimeout = 5_000;
  // Requests Node's parser refuses (oversize headers, malformed request lines) get a problem+json too.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const problem = problemResponse(tooLarge ? new ServiceError('InvalidRequest', 'headers: the request headers are too large.', 'headers') : invalidRequest('request', 'is not a valid HTTP request'));
    const status = tooLarge ? 431 : 400;
    const body = (problem.body as string).replace(/"status":\d+/, `"status":${status}`);
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  const port = (server.address() as AddressInfo).port;
  parts = options.configure(`http://localhost:${port}`);
  parts.catch(() => server.close());
  await parts;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function templateToRegExp(template: string): RegExp {
  const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}/g, '(?<$1>[^/]+)');
  return new RegExp(`^${source}$`);
}

/** What API Gateway itself answers when it refuses a request, exactly (HTTP APIs cannot customise these). */
const GATEWAY = {
  unauthorized: { statusCode: 401, headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }, body: '{"message":"Unauthorized"}' },
  tooManyRequests: { statusCode: 429, headers: { 'content-type': 'application/json' }, body: '{"message":"Too Many Requests"}' },
} satisfies Record<string, APIGatewayProxyStructuredResultV2>;

const asPlainJson = (result: APIGatewayProxyStructuredResultV2): APIGatewayProxyStructuredResultV2 => ({
  ...result,
  headers: { ...result.headers, 'content-type': 'application/json' },
});

/** The names the local stack answers to, on the port the request came in on. */
function isLocalHost(host: string | undefined, port: number | undefined): boolean {
  return port !== undefined && (host?.toLowerCase() === `localhost:${port}` || host === `127.0.0.1:${port}`);
}
