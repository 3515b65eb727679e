/** What the CDK stack deploys, as the bench needs it: read from infra/ wherever infra exports it. */
export { ESBUILD_OPTIONS, FUNCTION_DEFAULTS, FUNCTION_ENVIRONMENT } from '../infra/constructs/service-function.ts';
import { FUNCTION_DEFAULTS } from '../infra/constructs/service-function.ts';

export const FUNCTION_MEMORY_MB = FUNCTION_DEFAULTS.memorySize;
