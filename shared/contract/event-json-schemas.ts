/**
 * One JSON Schema per event type: the whole EventBridge event as a consumer receives it (a rule's
 * target, an API destination's POST body), with that type's `detail`. `npm run openapi` writes them
 * to docs/events/<Type>.schema.json; the tests check every event they see against these files.
 */
import * as z from 'zod/mini';
import { EVENT_DETAILS } from './event-schemas.ts';
import { EVENT_SOURCE, EVENT_TYPES, type EventType } from './event-types.ts';

export const SCHEMA_BASE_URL = 'https://invite-links.dev/schemas/events/';

export function eventJsonSchema(type: EventType): Record<string, unknown> {
  const { $schema: _, ...detail } = z.toJSONSchema(EVENT_DETAILS[type], { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${SCHEMA_BASE_URL}${type}.schema.json`,
    title: type,
    description: `The ${type} event as EventBridge delivers it: source "${EVENT_SOURCE}", detail-type "${type}". docs/events.md has an example.`,
    type: 'object',
    required: ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'],
    properties: {
      version: { const: '0' },
      id: { type: 'string', description: 'EventBridge’s id for this delivery; use detail.eventId to drop repeats.' },
      'detail-type': { const: type },
      source: { const: EVENT_SOURCE },
      account: { type: 'string' },
      time: { type: 'string', format: 'date-time' },
      region: { type: 'string' },
      resources: { type: 'array', items: { type: 'string' } },
      detail,
    },
  };
}

export const eventJsonSchemas = () => Object.fromEntries(EVENT_TYPES.map((type) => [type, eventJsonSchema(type)])) as Record<EventType, Record<string, unknown>>;
