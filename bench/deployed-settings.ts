/** What the CDK stack deploys, as the bench needs it: read from infra/ wherever infra exports it. */
export { BUNDLING, FUNCTION_DEFAULTS } from '../infra/constructs/service-function.ts';
import { FUNCTION_DEFAULTS } from '../infra/constructs/service-function.ts';
import { SERVICE_NAME } from '../shared/observability/names.ts';

export const FUNCTION_MEMORY_MB = FUNCTION_DEFAULTS.memorySize;

/**
 * The environment ServiceFunction gives every function that changes how Node starts. Restated:
 * infra/constructs/service-function.ts writes it inline and does not export it.
 */
export const FUNCTION_ENVIRONMENT = { POWERTOOLS_SERVICE_NAME: SERVICE_NAME, NODE_OPTIONS: '--enable-source-maps' } as const;
