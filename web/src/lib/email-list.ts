/**
 * The addresses pasted into "Invite by email": separated by commas, semicolons, spaces or new
 * lines, as mail clients and spreadsheets give them ("Pat Person <pat@example.com>" too). Checked
 * here first so mistakes show at the field; the API checks them again (a 400 naming `emails[i]`).
 */
import { EMAIL, INVITATION_LIMITS } from '../../../shared/domain/limits.ts';
import { normalizeEmail } from '../../../shared/domain/email.ts';

export type ParsedEmails = { ok: true; emails: string[] } | { ok: false; problem: string };

/** Near enough to the API's rule to catch typing mistakes; the API has the last word. */
const LOOKS_LIKE_EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

/** The addresses in the order given, lower-cased, each once. */
export function parseEmailList(text: string, limit: number = INVITATION_LIMITS.maxEmails): ParsedEmails {
  // "Pat Person <pat@example.com>": the address, not the name around it.
  const plain = text.replace(/[^,;\n<>]*<([^<>]*)>/g, ' $1 ');
  const emails: string[] = [];
  for (const raw of plain.split(/[\s,;]+/).filter(Boolean)) {
    const email = normalizeEmail(raw.replace(/^mailto:/i, ''));
    const at = email.lastIndexOf('@');
    if (!LOOKS_LIKE_EMAIL.test(email) || email.length > EMAIL.maxLength || at > EMAIL.localMaxLength) {
      return { ok: false, problem: `“${raw}” is not an email address. Enter addresses like pat@example.com.` };
    }
    if (!emails.includes(email)) emails.push(email);
  }
  if (emails.length === 0) return { ok: false, problem: 'Enter the email addresses of the people to invite.' };
  if (emails.length > limit) return { ok: false, problem: `Enter at most ${limit} addresses at a time (you entered ${emails.length}).` };
  return { ok: true, emails };
}
