/**
 * Request bodies: JSON sent as `application/json` (or `application/problem+json`), and JSON whose
 * objects name each key once. `JSON.parse` keeps the last of two equal keys silently, so a body
 * could say one thing to a proxy or log reader and another to us; such a body is refused.
 */
const JSON_CONTENT_TYPE = /^application\/(?:problem\+)?json\s*(?:;|$)/i;

export const isJsonContentType = (contentType: string) => JSON_CONTENT_TYPE.test(contentType.trim());

/** The first key that appears twice in one object of `text` (already known to be valid JSON), or undefined. */
export function duplicateKey(text: string): string | undefined {
  // Each open object collects its keys; arrays push undefined so nesting stays aligned.
  const open: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        const keys = open.at(-1)!;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === '{') {
      open.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      open.push(undefined);
    } else if (c === '}' || c === ']') {
      open.pop();
    } else if (c === ',') {
      expectKey = open.at(-1) !== undefined;
    }
  }
  return undefined;
}
