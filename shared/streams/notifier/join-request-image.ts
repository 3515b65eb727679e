/** A stream record's new image, checked to be a whole join-request email (the outbox item) before anything is read or sent. */
import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import type { JoinRequestEmail } from '../../domain/types.ts';
import { imageOf } from './join-image.ts';

const isoInstant = z.iso.datetime({ offset: true });
const required = z.string().check(z.minLength(1));
const person = z.object({ userId: required, email: z.string().check(z.minLength(3)) });

const joinRequestEmail = z.object({
  kind: z.enum(['requested', 'declined']),
  requestId: required,
  domainId: required,
  domainName: required,
  to: person,
  requester: z.object({ userId: required, email: z.string().check(z.minLength(3)), firstName: z.string(), lastName: z.string() }),
  link: z.object({ linkId: required, label: z.optional(z.string()), createdBy: required }),
  requestedAt: isoInstant,
  decidedAt: z.optional(isoInstant),
  decidedBy: z.optional(person),
  reason: z.optional(z.string()),
  writtenAt: isoInstant,
}) satisfies z.ZodMiniType<JoinRequestEmail>;

export const joinRequestEmailOf = (record: DynamoDBRecord): JoinRequestEmail => imageOf(record, joinRequestEmail, 'a join-request email');
