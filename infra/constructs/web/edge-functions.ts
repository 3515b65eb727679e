/**
 * The code CloudFront runs on viewers' requests and responses (CloudFront Functions, JS 2.0): the
 * API's refusals that API Gateway would give without a problem+json body, and the pages' addresses.
 */
import { unauthenticated } from '#shared/domain/errors.ts';
import { PROBLEM_CONTENT_TYPE, PROBLEMS, problemOf } from '#shared/contract/problems.ts';
import { OPERATION_LIST } from '#shared/contract/operations.ts';
import { ASSETS_PREFIX, HTML_ACCEPT, JOIN_ADDRESS, JSON_ACCEPT, NOT_FOUND_FILE, PAGE_FILES, ROOT_FILES } from '../../../web/page-addresses.ts';

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
 * Viewer-request and viewer-response function on the pages (web/page-addresses.ts says which
 * address opens which file, for the local stack too). On the request: a page's clean URL is its
 * file (/join is join.html, /home/ is home.html), a mangled invite link is join.html (`/JOIN`,
 * `/Join/`, `/join%23<token>`: the page finds the token in its own address; standard logs are off
 * and the token never reaches S3), and an address no page has is the not-found page, or, for a
 * client asking for JSON, the 404 problem+json the API gives. On the response: the not-found page
 * goes out as 404 (S3 answered 200 for the file), uncached. CloudFront runs no viewer-response
 * function on an origin's 4xx, and a distribution's error pages would also turn the API's 403s and
 * 404s into HTML, so the unknown address is decided here, before S3.
 */
export function pageRoutingCode(): string {
  const pages = Object.fromEntries(Object.entries(PAGE_FILES).map(([path, file]) => [path, `/${file}`]));
  const files = Object.fromEntries(ROOT_FILES.map((file) => [`/${file}`, true]));
  const { status, title, code } = PROBLEMS.NotFound;
  return `var PAGES = ${JSON.stringify(pages)};
var FILES = ${JSON.stringify(files)};
var JOIN = ${JOIN_ADDRESS};
var JSON_ACCEPT = ${JSON_ACCEPT};
var HTML_ACCEPT = ${HTML_ACCEPT};
var NOT_FOUND = ${JSON.stringify(`/${NOT_FOUND_FILE}`)};
function fileFor(uri) {
  if (JOIN.test(uri)) return PAGES['/join'];
  if (uri.indexOf(${JSON.stringify(ASSETS_PREFIX)}) === 0) return uri;
  var page = PAGES[uri.replace(/(.)\\/+$/, '$1')];
  if (page) return page;
  return FILES[uri] ? uri : NOT_FOUND;
}
function handler(event) {
  var request = event.request;
  var file = fileFor(request.uri);
  if (event.context && event.context.eventType === 'viewer-response') {
    var response = event.response;
    if (file === NOT_FOUND && response.statusCode === 200) {
      response.statusCode = 404;
      response.statusDescription = 'Not Found';
      response.headers['cache-control'] = { value: 'no-store' };
    }
    return response;
  }
  var accept = request.headers && request.headers.accept ? request.headers.accept.value : '';
  if (file === NOT_FOUND && JSON_ACCEPT.test(accept) && !HTML_ACCEPT.test(accept)) {
    // The path is not echoed: a mangled invite link can carry its token there.
    var detail = 'No route for ' + request.method + ' at this path. The operations are listed at /v1/openapi.json.';
    return {
      statusCode: ${status},
      statusDescription: 'Not Found',
      headers: { 'content-type': { value: ${JSON.stringify(PROBLEM_CONTENT_TYPE)} }, 'cache-control': { value: 'no-store' } },
      body: { encoding: 'text', data: JSON.stringify({ type: 'about:blank', status: ${status}, title: ${JSON.stringify(title)}, detail: detail, code: ${JSON.stringify(code)} }) },
    };
  }
  request.uri = file;
  return request;
}`;
}
