/** One structured logger per cold start. Request bodies and tokens are never logged. */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'invite-links' });
