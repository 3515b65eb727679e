/** The email a link's creator gets when someone joins through the link. Pure: no AWS, no clock. */
import { USER_TYPE_LABEL, type JoinRecord } from '../../domain/types.ts';
import { composeEmail, grantRows, when, type Email } from './email-layout.ts';
import type { GrantNames, SignupAudience, UsesLeft } from './recipients.ts';

/** Where the email points: the domain's users (where links are revoked) and its activity, in the deployment's pages. */
export interface SignupLinks {
  users: string;
  activity: string;
}

/** The two pages a creator's email points to, in the words both of their emails use. */
export const domainPageLinks = (links: SignupLinks, noun: string) => [
  { label: `See the ${noun}'s users`, href: links.users },
  { label: 'See who joined and what changed (Activity)', href: links.activity },
];

export function signupEmail(join: JoinRecord, audience: SignupAudience, links: SignupLinks): Email {
  const { grant, domainName } = audience;
  const joiner = `${join.firstName} ${join.lastName}`.trim();
  // The link is named the way the pages name it: its label, or what it grants and until when (its id appears nowhere there).
  const linkName = join.linkLabel ? `“${join.linkLabel}”` : `${grantSummary(grant)}, valid until ${when(join.linkExpiresAt)}`;
  const rows: [string, string][] = [
    ['Email', join.email],
    ['Name', joiner || '(not given)'],
    ['Domain', domainName],
    ['Joined', when(join.joinedAt)],
    ...grantRows(grant),
    ['Invite link', linkName],
    ['Link expires', when(join.linkExpiresAt)],
    ...(audience.usesLeft ? [['Uses left', usesLeftText(audience.usesLeft)] as [string, string]] : []),
  ];
  return composeEmail(`${join.email} joined ${domainName} through your invite link${join.linkLabel ? ` “${join.linkLabel}”` : ''}`, [
    { p: `Hello ${audience.recipient.firstName},` },
    { p: `${joiner ? `${joiner} (${join.email})` : join.email} signed up to ${domainName} using an invite link you created.` },
    { rows },
    { links: domainPageLinks(links, 'domain') },
    {
      p: 'You get this email because you created the link. To stop sign-ups through it, revoke it under + New Users › Active links on the Users page:',
      link: { label: 'Users page', href: links.users },
    },
  ]);
}

/** "Standard, Producers": a link without a label, named by what it grants. */
const grantSummary = (grant: GrantNames) => [USER_TYPE_LABEL[grant.userType], grant.primaryTeam ?? grant.primaryGroup].filter(Boolean).join(', ');

/** "2 of 5", or "none of 5: the link is used up". */
const usesLeftText = ({ left, of }: UsesLeft) => (left === 0 ? `none of ${of}: the link is used up` : `${left} of ${of}`);
