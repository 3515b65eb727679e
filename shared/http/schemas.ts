/** The API's input shapes. Unknown fields are refused everywhere; every string has a ceiling. */
import { z } from 'zod';
import { normalizeEmail } from '../domain/invite-link.ts';
import { USER_TYPES } from '../domain/types.ts';

const MAX_IDS = 50;

export const entityId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be an id (letters, digits, _ and -)');
const idList = z
  .array(entityId)
  .max(MAX_IDS)
  .refine((ids) => new Set(ids).size === ids.length, 'must not name the same id twice');

/** Tokens and link ids are both 32 bytes in base64url. */
const base64url256 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be the 43-character code from the invite link');
export const token = base64url256;
export const linkId = base64url256;

const personName = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(100)
  .regex(/^[^\p{Cc}<>]*$/u, 'must not contain control characters or < >');

export const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email('must be a valid email address'))
  .transform(normalizeEmail);

export const domainParams = z.strictObject({ domainId: entityId });
export const linkParams = z.strictObject({ domainId: entityId, linkId });

export const createInviteLinkBody = z
  .strictObject({
    userType: z.enum(USER_TYPES),
    primaryTeamId: entityId.optional(),
    primaryGroupId: entityId.optional(),
    additionalTeamIds: idList.default([]),
    roleGroupIds: idList.default([]),
    groupIds: idList.default([]),
  })
  .superRefine((body, ctx) => {
    if ((body.primaryTeamId === undefined) === (body.primaryGroupId === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['primaryTeamId'],
        message: 'give exactly one of primaryTeamId or primaryGroupId',
      });
    }
  });

export const onboardingBody = z.strictObject({}).optional();

export const settingsBody = z.strictObject({ enabled: z.boolean() });

export const lookupBody = z.strictObject({ token });

export const joinBody = z.strictObject({ token, email, firstName: personName, lastName: personName });

export const usersQuery = z.strictObject({ inviteLinkId: linkId.optional() }).optional();
