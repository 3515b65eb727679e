/**
 * The code CloudFront runs on viewer requests (CloudFront Functions, JS 2.0): the API's refusals
 * that API Gateway would give without a problem+json body, and the pages' clean URLs.
 */
import { unauthenticated } from '#shared/domain/errors.ts';
import { PROBLEM_CONTENT_TYPE, PROBLEMS, problemOf } from '#shared/contract/problems.ts';
import { OPERATION_LIST } from '#shared/contract/operations.ts';

/** A path template as API Gateway matches it: `{name}` is one segment, nothing else varies. */
const routePattern = (path: string) => `^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+')}$`;

/**
 * Viewer-request function on /v1/*: what API Gateway would refuse with `{"message": ...}`, CloudFront
 * refuses first with the problem+json the handlers and the local front door give: a request no
 * operation matches (404 NOT_FOUND) and a signed-in operation called without an Authorization
 * header (401 UNAUTHENTICATED). Everything else goes on, untouched. Written from the operation table.
 */
export function apiEdgeFunctionCode(): string {
  const routes = OPERATION_LIST.map((op) => `[${JSON.stringify(op.method)}, new RegExp(${JSON.stringify(routePattern(op.path))}), ${op.auth === 'jwt'}]`);
  const { status, title, code } = PROBLEMS.NotFound;
  return `var ROUTES = [
  ${routes.join(',\n  ')}
];
var UNAUTHENTICATED = ${JSON.stringify(JSON.stringify(problemOf(unauthenticated())))};
function problem(statusCode, statusDescription, body, headers) {
  headers['content-type'] = { value: ${JSON.stringify(PROBLEM_CONTENT_TYPE)} };
  headers['cache-control'] = { value: 'no-store' };
  return { statusCode: statusCode, statusDescription: statusDescription, headers: headers, body: { encoding: 'text', data: body } };
}
function handler(event) {
  var request = event.request;
  var route = null;
  for (var i = 0; i < ROUTES.length && !route; i++) {
    if (ROUTES[i][0] === request.method && ROUTES[i][1].test(request.uri)) route = ROUTES[i];
  }
  if (!route) {
    // The path is not echoed: a mangled invite link can carry its token there.
    var detail = 'No route for ' + request.method + ' at this path. The operations are listed at /v1/openapi.json.';
    return problem(${status}, 'Not Found', JSON.stringify({ type: 'about:blank', status: ${status}, title: ${JSON.stringify(title)}, detail: detail, code: ${JSON.stringify(code)} }), {});
  }
  var authorization = request.headers.authorization;
  if (route[2] && !(authorization && authorization.value.trim() !== '')) {
    return problem(401, 'Unauthorized', UNAUTHENTICATED, { 'www-authenticate': { value: 'Bearer' } });
  }
  return request;
}`;
}

/**
 * Pages have clean URLs: /join is join.html, /users is users.html; files and / pass unchanged. An
 * invite link whose `#` a mail or chat tool turned into `%23` (`/join%23<token>`, `%2523` when
 * encoded twice; a raw `#` where something decoded it) is join.html too, rather than a 403 from S3
 * for a key that does not exist: the page finds the token in its own address. Standard logs are
 * off, and the token never reaches S3.
 */
export const PAGE_REWRITE = `var MANGLED_JOIN = /^\\/join(?:\\.html)?(?:%(?:25)*23|#)/i;
function handler(event) {
  var request = event.request;
  if (MANGLED_JOIN.test(request.uri)) {
    request.uri = '/join.html';
    return request;
  }
  var uri = request.uri.replace(/\\/+$/, '');
  if (uri !== '' && uri.split('/').pop().indexOf('.') === -1) request.uri = uri + '.html';
  return request;
}`;
