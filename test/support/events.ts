/** Checking events against the JSON Schema files in docs/events/, and waiting for things that arrive through the stream. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { EVENT_TYPES } from '#shared/contract/event-types.ts';

const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validators = new Map(
  EVENT_TYPES.map((type) => [type, ajv.compile(JSON.parse(readFileSync(join(import.meta.dirname, '../../docs/events', `${type}.schema.json`), 'utf8')))]),
);

/** Every event valid against its type's checked-in schema. */
export function assertEventSchemas(events: { 'detail-type': string }[]): void {
  for (const event of events) {
    const validate = validators.get(event['detail-type'] as (typeof EVENT_TYPES)[number]);
    if (!validate) throw new Error(`no schema for event type ${event['detail-type']}`);
    if (!validate(event)) throw new Error(`${event['detail-type']} does not match docs/events/${event['detail-type']}.schema.json: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(event)}`);
  }
}

export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
