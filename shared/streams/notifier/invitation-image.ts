/** A stream record's new image, checked to be a whole invitation email (the outbox item) before anything is opened or sent. */
import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { USER_TYPES, type InvitationEmail } from '../../domain/types.ts';
import { imageOf } from './join-image.ts';

const isoInstant = z.iso.datetime({ offset: true });
const required = z.string().check(z.minLength(1));

const invitationEmail = z.object({
  invitationId: required,
  domainId: required,
  domainName: required,
  email: z.string().check(z.minLength(3)),
  sendCount: z.number().check(z.int(), z.minimum(1)),
  sealedToken: required,
  invitedBy: z.object({ userId: required, email: required, name: z.optional(z.string()) }),
  grant: z.object({
    userType: z.enum(USER_TYPES),
    primaryTeamName: z.optional(z.string()),
    primaryGroupName: z.optional(z.string()),
    additionalTeamNames: z.array(z.string()),
    roleGroupNames: z.array(z.string()),
    groupNames: z.array(z.string()),
  }),
  message: z.optional(z.string()),
  expiresAt: isoInstant,
  sentAt: isoInstant,
}) satisfies z.ZodMiniType<InvitationEmail>;

/** The field names only, if it is not one: the image holds a sealed token, which no log gets. */
export const invitationEmailOf = (record: DynamoDBRecord): InvitationEmail => imageOf(record, invitationEmail, 'an invitation email');
