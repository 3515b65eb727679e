/** GET /v1/openapi.json: public, and exactly the checked-in document. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useStack } from '../support/stack.ts';

const t = useStack({ notifier: false });

describe('the API document', () => {
  it('is served to anyone at GET /v1/openapi.json, as checked in at docs/openapi.json', async () => {
    const res = await t.anonymous.get('/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toEqual(JSON.parse(readFileSync(join(import.meta.dirname, '../../docs/openapi.json'), 'utf8')));
  });
});
