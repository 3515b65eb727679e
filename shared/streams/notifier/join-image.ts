/** A stream record's new image, checked to be a whole JoinRecord (through a link, or an invitation) before anything is sent. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { USER_TYPES, type JoinRecord } from '../../domain/types.ts';

const isoInstant = z.iso.datetime({ offset: true });
const required = z.string().check(z.minLength(1));

const joinRecord = z.object({
  joinId: required,
  linkId: z.optional(required),
  via: z.optional(z.literal('invitation')),
  invitationId: z.optional(required),
  domainId: required,
  userId: required,
  email: z.string().check(z.minLength(3)),
  firstName: z.string(),
  lastName: z.string(),
  linkCreatedBy: required,
  linkExpiresAt: isoInstant,
  grant: z.object({
    userType: z.enum(USER_TYPES),
    primaryTeamId: z.optional(z.string()),
    primaryGroupId: z.optional(z.string()),
    additionalTeamIds: z.array(z.string()),
    roleGroupIds: z.array(z.string()),
    groupIds: z.array(z.string()),
  }),
  joinedAt: isoInstant,
  linkLabel: z.optional(z.string()),
  notifyCreator: z.optional(z.boolean()),
  linkMaxUses: z.optional(z.number()),
  approvedBy: z.optional(z.object({ userId: required, email: z.string() })),
  linkPauseAfter: z.optional(z.object({ joins: z.number().check(z.int(), z.positive()), withinMinutes: z.number().check(z.int(), z.positive()) })),
}).check(
  // A link's join names its link, an invitation's its invitation: the emails say which.
  z.refine((join) => (join.via === 'invitation' ? join.invitationId !== undefined : join.linkId !== undefined), { message: 'a join names its link or its invitation' }),
) satisfies z.ZodMiniType<JoinRecord>;

/** Thrown for a record that can never be sent: retrying will not help, the dead-letter destination gets it. */
export class MalformedRecord extends Error {
  override readonly name = 'MalformedRecord';
}

/** A stream record's new image as `schema` reads it (`what` names it in the error), or MalformedRecord naming the fields that are not. */
export function imageOf<T>(record: DynamoDBRecord, schema: z.ZodMiniType<T>, what: string): T {
  const image = record.dynamodb?.NewImage;
  if (!image) throw new MalformedRecord(`record ${record.dynamodb?.SequenceNumber} has no new image`);
  const parsed = schema.safeParse(unmarshall(image as Record<string, AttributeValue>));
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    throw new MalformedRecord(`record ${record.dynamodb?.SequenceNumber} is not ${what}: ${fields}`);
  }
  return parsed.data;
}

export const joinOf = (record: DynamoDBRecord): JoinRecord => imageOf(record, joinRecord, 'a join record');
