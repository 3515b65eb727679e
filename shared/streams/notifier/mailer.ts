/** SES, once per cold start. Throttling and transient errors are retried here, with backoff, before a record is failed. */
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { notifyFrom, publicBaseUrl } from '../../config.ts';
import { traced } from '../../observability/tracer.ts';
import type { Email } from './email-layout.ts';

/** 4 attempts with the SDK's adaptive backoff (it also slows down after throttling); each attempt has 5 s. */
export const ses = traced(
  new SESClient({
    maxAttempts: 4,
    retryMode: 'adaptive',
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 },
  }),
);

/**
 * Sends one email; returns SES's MessageId. Sender from NOTIFY_FROM. A lone surrogate (in text
 * stored before the API refused it) becomes U+FFFD: SES's encoding would throw on it at every retry.
 */
export async function sendEmail(to: string, email: Email): Promise<string> {
  const from = notifyFrom();
  const { MessageId } = await ses.send(
    new SendEmailCommand({
      Source: from.toWellFormed(),
      Destination: { ToAddresses: [to.toWellFormed()] },
      Message: {
        Subject: { Data: email.subject.toWellFormed(), Charset: 'UTF-8' },
        Body: { Text: { Data: email.text.toWellFormed(), Charset: 'UTF-8' }, Html: { Data: email.html.toWellFormed(), Charset: 'UTF-8' } },
      },
    }),
  );
  if (!MessageId) throw new Error('SES accepted the email but returned no MessageId');
  return MessageId;
}

/** A page of the same deployment, in one domain: `users` (and the active links), `activity`, the member's `home`, or the join `requests`; `also` narrows it (`inviteLinkId`). */
export function appPageUrl(page: 'users' | 'activity' | 'home' | 'requests', domainId: string, also: Record<string, string> = {}): string {
  return `${publicBaseUrl()}/${page}?${new URLSearchParams({ domain: domainId, ...also })}`;
}
