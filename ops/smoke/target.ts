/** What the smoke checks point at: a base URL as given, or the URLs a CDK outputs file names. */
import { OutputsUnusable, readCdkOutputs, serviceStackOutputs } from '../cdk-outputs.ts';

export interface SmokeTarget {
  /** The pages and, under /v1/, the API: one origin, no trailing slash. */
  webUrl: string;
  /** The API's own endpoint behind CloudFront (the `ApiOriginUrl` output), which must refuse direct callers. */
  apiOriginUrl?: string;
  /** The local stack: its front door is the API, there is no origin behind it to call. */
  local: boolean;
  /** Where the URLs came from, for the report's first line. */
  source: string;
}

export interface TargetOptions {
  /** Which stack of the outputs file; needed only when it holds several. */
  stack?: string;
  apiOrigin?: string;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export async function smokeTarget(where: string, options: TargetOptions = {}): Promise<SmokeTarget> {
  if (/^https?:\/\//i.test(where)) {
    const webUrl = baseUrl(where, 'the base URL');
    if (options.stack !== undefined) throw new OutputsUnusable('--stack goes with an outputs file, not a URL');
    return { webUrl, local: isLocal(webUrl), source: webUrl, ...(options.apiOrigin ? { apiOriginUrl: baseUrl(options.apiOrigin, '--api-origin') } : {}) };
  }
  const { stackName, outputs } = serviceStackOutputs(await readCdkOutputs(where), where, options.stack);
  const webUrl = baseUrl(outputs.WebUrl!, `${where}: WebUrl`);
  const apiOrigin = options.apiOrigin ?? outputs.ApiOriginUrl;
  return {
    webUrl,
    local: isLocal(webUrl),
    source: `${where}, stack ${stackName}`,
    ...(apiOrigin ? { apiOriginUrl: baseUrl(apiOrigin, options.apiOrigin ? '--api-origin' : `${where}: ApiOriginUrl`) } : {}),
  };
}

function baseUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OutputsUnusable(`${what}: "${value}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OutputsUnusable(`${what}: "${value}" is not an http(s) URL`);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

const isLocal = (url: string) => {
  const { hostname } = new URL(url);
  return LOCAL_HOSTS.has(hostname) || hostname.endsWith('.localhost');
};
