/** A batch partly throttled, as AWS answers it: the rest is sent, the throttled entries come back unprocessed, as the caller gave them. */
/** The batch's HTTP request without the throttled entries (a copy: the SDK's retries reuse the original). */
export function withoutEntries(request: unknown, command: string, throttledEntries: Set<number>): unknown {
  const { body, headers } = request as { body: Uint8Array | string; headers: Record<string, string> };
  const sentBody = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8')) as Record<string, unknown>;
  sentBody.RequestItems = keepEntries(sentBody.RequestItems as Record<string, unknown>, command, (entry) => !throttledEntries.has(entry));
  const text = Buffer.from(JSON.stringify(sentBody));
  const copy = Object.assign(Object.create(Object.getPrototypeOf(request)), request);
  return Object.assign(copy, { headers: { ...headers, 'content-length': String(text.byteLength) }, body: typeof body === 'string' ? text.toString('utf8') : new Uint8Array(text) });
}

/** The batch's RequestItems with only the entries `keep` keeps; a table left with none is left out. */
function keepEntries(requestItems: Record<string, unknown>, command: string, keep: (entry: number) => boolean): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  let entry = 0;
  for (const [table, value] of Object.entries(requestItems)) {
    if (command === 'BatchWriteItemCommand') {
      const requests = (value as unknown[]).filter(() => keep(entry++));
      if (requests.length > 0) kept[table] = requests;
    } else {
      const request = value as { Keys: unknown[] };
      const keys = request.Keys.filter(() => keep(entry++));
      if (keys.length > 0) kept[table] = { ...request, Keys: keys };
    }
  }
  return kept;
}

/** Adds the throttled entries, as the caller gave them, to the answer's UnprocessedItems or UnprocessedKeys. */
export function handBack(command: string, caller: Record<string, unknown>, output: Record<string, unknown>, throttledEntries: Set<number>): void {
  const throttledEntry = (entry: number) => throttledEntries.has(entry);
  const requestItems = (caller.RequestItems ?? {}) as Record<string, unknown>;
  const field = command === 'BatchWriteItemCommand' ? 'UnprocessedItems' : 'UnprocessedKeys';
  const unprocessed = ((output[field] as Record<string, unknown> | undefined) ?? {}) as Record<string, unknown>;
  let entry = 0;
  for (const [table, value] of Object.entries(requestItems)) {
    if (command === 'BatchWriteItemCommand') {
      const back = (value as unknown[]).filter(() => throttledEntry(entry++));
      if (back.length > 0) unprocessed[table] = [...((unprocessed[table] as unknown[] | undefined) ?? []), ...back];
    } else {
      const request = value as { Keys: unknown[] };
      const back = request.Keys.filter(() => throttledEntry(entry++));
      const already = (unprocessed[table] as { Keys?: unknown[] } | undefined)?.Keys ?? [];
      if (back.length > 0) unprocessed[table] = { ...request, Keys: [...already, ...back] };
    }
  }
  output[field] = unprocessed;
}

