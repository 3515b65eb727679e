/** GET /v1/openapi.json: the API's OpenAPI 3.1 document, generated from the operation table (npm run openapi). */
import document from '../docs/openapi.json' with { type: 'json' };
import { operationHandler } from '#shared/http/handler.ts';
import { OPERATIONS } from '#shared/operations.ts';

export const handler = operationHandler(OPERATIONS['get-openapi'], async () => document);
