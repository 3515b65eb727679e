/**
 * THE route table. The CDK stack builds the HTTP API from it and the local front door serves
 * it; tests check both against it. A function's table actions live beside it, so its IAM grant
 * is exactly what its code uses.
 */

/** The public route (the link lookup) is throttled per route: requests per second and burst, as API Gateway counts them. */
export const PUBLIC_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;

/** DynamoDB actions, without the `dynamodb:` prefix; `QueryByDomain` is a Query of the by-domain index only. */
export type TableAction =
  | 'QueryByDomain'
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'ConditionCheckItem';

/** The caller's membership and the domain's directory, read together (shared/access.ts). */
const CALLER = 'BatchGetItem' satisfies TableAction;

/** Every API function, by file name under functions/, with the DynamoDB actions it performs. */
export const API_FUNCTIONS = {
  'get-me': { tableActions: ['Query'] },
  'list-directory': { tableActions: [CALLER] },
  'list-users': { tableActions: [CALLER, 'QueryByDomain'] },
  'get-invite-link-settings': { tableActions: [CALLER] },
  'put-invite-link-settings': { tableActions: ['ConditionCheckItem', 'UpdateItem'] },
  'create-invite-link': { tableActions: [CALLER, 'ConditionCheckItem', 'PutItem'] },
  'create-onboarding-link': { tableActions: [CALLER, 'ConditionCheckItem', 'PutItem'] },
  'list-invite-links': { tableActions: [CALLER, 'QueryByDomain'] },
  'revoke-invite-link': { tableActions: [CALLER, 'GetItem', 'UpdateItem'] },
  'revoke-all-invite-links': { tableActions: ['ConditionCheckItem', 'UpdateItem'] },
  'lookup-invite-link': { tableActions: ['GetItem', 'Query'] },
  join: { tableActions: ['BatchGetItem', 'GetItem', 'ConditionCheckItem', 'UpdateItem', 'PutItem'] },
} as const satisfies Record<string, { tableActions: TableAction[] }>;

export type ApiFunctionName = keyof typeof API_FUNCTIONS;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway path template: `{name}` is one path segment. */
  path: string;
  function: ApiFunctionName;
  auth: 'jwt' | 'public';
}

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/v1/me', function: 'get-me', auth: 'jwt' },
  { method: 'GET', path: '/v1/domains/{domainId}/teams', function: 'list-directory', auth: 'jwt' },
  { method: 'GET', path: '/v1/domains/{domainId}/role-groups', function: 'list-directory', auth: 'jwt' },
  { method: 'GET', path: '/v1/domains/{domainId}/groups', function: 'list-directory', auth: 'jwt' },
  { method: 'GET', path: '/v1/domains/{domainId}/users', function: 'list-users', auth: 'jwt' },
  { method: 'GET', path: '/v1/domains/{domainId}/settings/invite-links', function: 'get-invite-link-settings', auth: 'jwt' },
  { method: 'PUT', path: '/v1/domains/{domainId}/settings/invite-links', function: 'put-invite-link-settings', auth: 'jwt' },
  { method: 'POST', path: '/v1/domains/{domainId}/invite-links', function: 'create-invite-link', auth: 'jwt' },
  { method: 'POST', path: '/v1/domains/{domainId}/invite-links/onboarding', function: 'create-onboarding-link', auth: 'jwt' },
  { method: 'GET', path: '/v1/domains/{domainId}/invite-links', function: 'list-invite-links', auth: 'jwt' },
  { method: 'DELETE', path: '/v1/domains/{domainId}/invite-links/{linkId}', function: 'revoke-invite-link', auth: 'jwt' },
  { method: 'POST', path: '/v1/domains/{domainId}/invite-links/revoke-all', function: 'revoke-all-invite-links', auth: 'jwt' },
  { method: 'POST', path: '/v1/join/lookup', function: 'lookup-invite-link', auth: 'public' },
  { method: 'POST', path: '/v1/join', function: 'join', auth: 'jwt' },
];

/** The API Gateway route key of a route, e.g. `POST /v1/join`. */
export const routeKey = (route: Pick<Route, 'method' | 'path'>) => `${route.method} ${route.path}`;
