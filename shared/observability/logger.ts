/** One structured logger per cold start. Request bodies and tokens are never logged. */
import { Logger } from '@aws-lambda-powertools/logger';
import { SERVICE_NAME } from './names.ts';

export const logger = new Logger({ serviceName: SERVICE_NAME });
