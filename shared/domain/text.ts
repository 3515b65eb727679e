/**
 * The one rule for free text people type and others read (names, labels): whatever it lets through
 * can be shown on a page, put in an email and sent through SES as it is.
 */

/**
 * Combining marks allowed in a row: the densest clusters of living scripts (a Tibetan stack with
 * its vowel, Hebrew with points and a cantillation mark) hold up to 4 after NFC; more only piles
 * marks over the lines around them ("Zalgo" text).
 */
export const MAX_COMBINING_MARKS = 4;

const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const TOO_MANY_MARKS = new RegExp(`\\p{M}{${MAX_COMBINING_MARKS + 1}}`, 'u');

/** Why a piece of text cannot be kept, in the words of a 400; undefined when it can. */
export function textFault(value: string): string | undefined {
  // A lone surrogate encodes to nothing: SES, and URL or UTF-8 encoding anywhere, throw on it.
  if (!value.isWellFormed()) return 'must be well-formed Unicode text (it holds a lone surrogate)';
  // These could fake a line or reorder text in an email or a page.
  if (INVISIBLE_OR_CONTROL.test(value)) return 'must not contain control, invisible or direction-changing characters';
  if (TOO_MANY_MARKS.test(value)) return `must not stack more than ${MAX_COMBINING_MARKS} combining marks on one character`;
  return undefined;
}
