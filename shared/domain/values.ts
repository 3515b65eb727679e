/**
 * The product's values as schemas: ids, emails, email domains, names and labels, held to the limits
 * in limits.ts and the one text rule in text.ts. The API's request schemas and the operator's
 * create-domain command are built from these. Each is built on its first use (z.lazy), not at import.
 */
import * as z from 'zod/mini';
import { normalizeEmail } from './email.ts';
import { EMAIL, EMAIL_DOMAIN, ENTITY_ID, INVITATION_LIMITS, JOIN_REQUEST_LIMITS, LINK_LIMITS, MAX_IDS, NAME_MAX_LENGTH, USER_ID } from './limits.ts';
import { MAX_COMBINING_MARKS, textFault } from './text.ts';

export const entityId = z.lazy(() =>
  z.string().check(
    z.minLength(1, 'is required'),
    z.maxLength(ENTITY_ID.maxLength, `must be at most ${ENTITY_ID.maxLength} characters`),
    z.regex(ENTITY_ID.pattern, 'must be an id (letters, digits, _ and -)'),
  ),
);
export const idList = z.lazy(() =>
  z.array(entityId).check(
    z.maxLength(MAX_IDS, `must list at most ${MAX_IDS} ids`),
    z.refine((ids) => new Set(ids).size === ids.length, 'must not name the same id twice'),
  ),
);
export const userId = z.lazy(() => z.string().check(z.minLength(1, 'is required'), z.maxLength(USER_ID.maxLength, `must be at most ${USER_ID.maxLength} characters`), z.regex(USER_ID.pattern, 'must be a user id')));

/** Text a person sees elsewhere (names, labels): NFC, trimmed, and kept to the one text rule (text.ts). */
const visibleText = (max: number) =>
  z.lazy(() =>
    z.string().check(
      z.normalize('NFC'),
      z.trim(),
      z.superRefine((value, ctx) => {
        const fault = textFault(value);
        if (fault) ctx.addIssue({ code: 'custom', message: fault, input: value });
      }),
      z.minLength(1, 'is required'),
      z.maxLength(max, `must be at most ${max} characters`),
      z.regex(/^[^<>]*$/, 'must not contain < or >'),
      z.describe(`Well-formed Unicode, NFC: no control, invisible or direction-changing characters, no < or >, at most ${MAX_COMBINING_MARKS} combining marks in a row.`),
    ),
  );
export const personName = visibleText(NAME_MAX_LENGTH);
/** A link's label, shown in lists and in the creator's email. */
export const linkLabel = visibleText(LINK_LIMITS.labelMaxLength);
/** The note an inviter adds to invitation emails, shown in the email as it is. */
export const invitationMessage = visibleText(INVITATION_LIMITS.messageMaxLength);
/** Why an approver declined a join request, shown in the email to the person who asked. */
export const declineReason = visibleText(JOIN_REQUEST_LIMITS.reasonMaxLength);

export const emailDomain = z.lazy(() =>
  z.pipe(
    z.string().check(
      z.trim(),
      z.toLowerCase(),
      z.maxLength(EMAIL_DOMAIN.maxLength, `must be at most ${EMAIL_DOMAIN.maxLength} characters`),
      z.regex(EMAIL_DOMAIN.pattern, 'must be an email domain like example.com'),
    ),
    z.transform((v: string) => v),
  ),
);
export const emailDomains = z.lazy(() =>
  z.array(emailDomain).check(
    z.maxLength(LINK_LIMITS.maxEmailDomains, `must list at most ${LINK_LIMITS.maxEmailDomains} domains`),
    z.refine((list) => new Set(list).size === list.length, 'must not name the same domain twice'),
  ),
);

const withinEmailLimits = (value: string) => {
  const at = value.lastIndexOf('@');
  return at > 0 && at <= EMAIL.localMaxLength && value.slice(at + 1).split('.').every((label) => label.length <= EMAIL.labelMaxLength);
};
export const email = z.lazy(() =>
  z.pipe(
    z.string().check(
      z.trim(),
      z.maxLength(EMAIL.maxLength, `must be at most ${EMAIL.maxLength} characters`),
      z.email('must be a valid email address'),
      z.refine(withinEmailLimits, `must have at most ${EMAIL.localMaxLength} characters before the @ and ${EMAIL.labelMaxLength} in each part of the domain`),
    ),
    z.transform(normalizeEmail),
  ),
);
