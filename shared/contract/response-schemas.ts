/**
 * Each operation's success body by the name its entry in the operation table gives it
 * (`response: 'me'`). The table names them instead of importing them so that a function's cold
 * start builds none of these schemas: they describe (OpenAPI, docs/api.md, the handlers' types)
 * and are checked by the tests; no handler validates its own answer at runtime.
 */
import { activityPage } from './event-schemas.ts';
import * as output from './responses.ts';

export const RESPONSES = { ...output, activityPage } as const;
export type ResponseName = keyof typeof RESPONSES;
