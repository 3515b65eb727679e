/**
 * A join's two emails, each at most once: to whoever made the link (the signup email) or sent the
 * invitation (the accepted email), and the welcome to the person who joined.
 */
import type { JoinRecord } from '../../domain/types.ts';
import type { NotificationClaims, EmailKind } from '../../store/notification-claims.ts';
import type { Store } from '../../store/store.ts';
import { acceptedEmail } from './accepted-email.ts';
import { appPageUrl } from './mailer.ts';
import { audienceOf, joinContextOf, type JoinContext } from './recipients.ts';
import { sendOnce, type Composed } from './send-once.ts';
import { signupEmail } from './signup-email.ts';
import { welcomeEmail } from './welcome-email.ts';

/** Who gets which email of a join, or why nobody does. */
export function composeJoinEmail(kind: EmailKind, join: JoinRecord, context: JoinContext | undefined): Composed {
  if (!context) return { none: 'the domain no longer exists' };
  if (kind === 'welcome') return { to: join.email, email: welcomeEmail(join, context, appPageUrl('home', join.domainId)) };
  if (join.notifyCreator === false) return { none: 'the link was made with notifyCreator false' };
  const audience = audienceOf(context);
  const inviter = join.via === 'invitation' ? 'the inviter' : 'the link creator';
  if (!audience) return { none: `${inviter} is no longer a member of the domain` };
  const links = { users: appPageUrl('users', join.domainId), activity: appPageUrl('activity', join.domainId) };
  const email = join.via === 'invitation' ? acceptedEmail(join, audience, links) : signupEmail(join, audience, links);
  return { to: audience.recipient.email, email };
}

export async function notifyJoin(join: JoinRecord, deps: { store: Store; claims: NotificationClaims; now: () => Date }, log: Record<string, unknown>): Promise<void> {
  // Read once, and only if an email is still to be sent.
  let context: Promise<JoinContext | undefined> | undefined;
  const read = () => (context ??= joinContextOf(join, deps.store));
  // Both at once (each has its own claim): a batch's emails are what the next batch, and a guarded link's next count, wait for.
  const sent = await Promise.allSettled(
    (['creator', 'welcome'] as const).map((kind) =>
      sendOnce(deps.claims, { joinId: join.joinId, kind }, `${kind} email`, async () => composeJoinEmail(kind, join, await read()), deps.now, { ...log, kind }),
    ),
  );
  const failed = sent.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
}
