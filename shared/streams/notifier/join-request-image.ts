/** A stream record's new image, checked to be a whole join-request email (the outbox item) before anything is read or sent. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import type { JoinRequestEmail } from '../../domain/types.ts';
import { MalformedRecord } from './join-image.ts';

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

export function joinRequestEmailOf(record: DynamoDBRecord): JoinRequestEmail {
  const image = record.dynamodb?.NewImage;
  if (!image) throw new MalformedRecord(`record ${record.dynamodb?.SequenceNumber} has no new image`);
  const parsed = joinRequestEmail.safeParse(unmarshall(image as Record<string, AttributeValue>));
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    throw new MalformedRecord(`record ${record.dynamodb?.SequenceNumber} is not a join-request email: ${fields}`);
  }
  return parsed.data;
}
