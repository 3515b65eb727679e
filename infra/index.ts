/**
 * What you import to put the invite-link service in your own CDK app (docs/deploy.md, "Embedding
 * the service in your own stack"). The stack `cdk deploy` builds from this repository is in
 * invite-links-stack.ts.
 */
export { InviteLinks, type InviteLinksFunctionName, type InviteLinksProps } from './invite-links.ts';
/** The table's keys, index, TTL attribute and stream view, for a table of yours to match. */
export { TABLE } from '#shared/store/dynamodb/table.ts';
/** A table built exactly as the service builds its own, e.g. for a stateful stack of yours. */
export { inviteLinksTable } from './constructs/table.ts';
/** The WAF web ACL for the distribution, and the us-east-1 stack that holds it for a stack elsewhere (its ARN is `webAclArn`). */
export { InviteLinksWebAcl } from './constructs/web-acl.ts';
export { InviteLinksEdgeStack } from './invite-links-edge-stack.ts';
