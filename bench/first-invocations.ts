/**
 * A representative first invocation of each function, as Lambda would deliver it: API Gateway
 * (HTTP API, payload 2.0) events with the JWT authorizer's claims, and a one-record stream batch
 * for the notifier. Each round gets its own event where the work would otherwise change (a fresh
 * person joins, a fresh link is revoked, a fresh join is notified), so every round does the same work.
 */
import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import { OPERATION_LIST, OPERATIONS, type NamedOperation, type OperationName } from '../shared/contract/operations.ts';
import { STREAM_CONSUMERS } from '../shared/streams/consumers.ts';
import { TIMER_SWEEP } from '../shared/timer-sweep.ts';
import { items } from '../shared/store/dynamodb/items.ts';
import type { ColdTarget } from './cold-start.ts';
import { OWNER } from './seed.ts';

export interface ColdWorld {
  /** Where links are made, listed, looked up and joined; holds at least a full first page of live links. */
  domainId: string;
  /** Where delete-all runs each round, so no link the others use dies. */
  revokeAllDomainId: string;
  /**
   * Where every function that only reads reads: a domain no round writes to, with live and ended links,
   * members, removed people, invitations, join requests and activity, so that every round reads what the
   * recording read (in `domainId` a list would read on past what the rounds before revoked, a request
   * its bare handler does not send).
   */
  readDomainId: string;
  /** A live link of `domainId`, made by the owner, with its token sealed (so it can be revealed). */
  link: { token: string; id: string };
  /** One live link of `domainId` per round to revoke (and one more for the recording), older than every listed link. */
  revocable: string[];
  /** Members of `domainId` (not admins), one per round and one for the recording: to change, and to remove. */
  members: { toChange: string[]; toRemove: string[] };
  /** People removed from `domainId` and kept out, by email, one per round and one for the recording: to let back in. */
  removed: string[];
  /** Pending invitations by email of `domainId`, one per round and one for the recording: to revoke, and to resend (each to its own address, under the day's caps). */
  invitations: { toRevoke: string[]; toResend: string[] };
  /** Pending join requests through `link`, one per round and one for the recording: to approve, and to decline. */
  joinRequests: { toApprove: string[]; toDecline: string[] };
}

export const ownerClaims = { sub: OWNER.userId, email: OWNER.email, email_verified: 'true', given_name: OWNER.firstName, family_name: OWNER.lastName };

export function coldTargets(world: ColdWorld): ColdTarget[] {
  const at = (round: number) => (round < 0 ? world.revocable.length - 1 : round);
  const api = (name: OperationName, event: (round: number) => unknown): ColdTarget => ({
    name,
    event,
    ok: (status) => status === OPERATIONS[name].status,
  });
  const targets: ColdTarget[] = OPERATION_LIST.map((o) => {
    switch (o.name) {
      case 'put-invite-link-settings':
        return api(o.name, () => apiEvent(o, { domainId: world.domainId }, ownerClaims, { enabled: true }));
      case 'create-invite-link':
        return api(o.name, () => apiEvent(o, { domainId: world.domainId }, ownerClaims, { userType: 'STANDARD', primaryTeamId: 'producers' }));
      case 'create-onboarding-link':
        return api(o.name, () => apiEvent(o, { domainId: world.domainId }, ownerClaims, {}));
      case 'reveal-invite-link':
        return api(o.name, () => apiEvent(o, { domainId: world.domainId, linkId: world.link.id }, ownerClaims));
      case 'revoke-invite-link':
        return api(o.name, (round) => apiEvent(o, { domainId: world.domainId, linkId: world.revocable[at(round)]! }, ownerClaims));
      case 'revoke-all-invite-links':
        return api(o.name, () => apiEvent(o, { domainId: world.revokeAllDomainId }, ownerClaims));
      // Pausing every link of the domain the others join through would refuse their joins.
      case 'pause-invite-links':
        return api(o.name, () => apiEvent(o, { domainId: world.revokeAllDomainId }, ownerClaims, { hours: 1 }));
      case 'resume-invite-links':
        return api(o.name, () => apiEvent(o, { domainId: world.revokeAllDomainId }, ownerClaims));
      // A new link each round from the live one, which stays live for the others.
      case 'reissue-invite-link':
        return api(o.name, () => apiEvent(o, { domainId: world.domainId, linkId: world.link.id }, ownerClaims, {}));
      // Revoking every pending invitation of the domain would take the ones resend and revoke need each round.
      case 'revoke-all-invitations':
        return api(o.name, () => apiEvent(o, { domainId: world.revokeAllDomainId }, ownerClaims));
      case 'resume-invite-link':
        return api(o.name, () => apiEvent(o, { domainId: world.domainId, linkId: world.link.id }, ownerClaims));
      case 'update-member':
        return api(o.name, (round) => apiEvent(o, { domainId: world.domainId, userId: world.members.toChange[at(round)]! }, ownerClaims, { teamIds: ['editors', 'producers'] }));
      case 'allow-rejoin':
        return api(o.name, (round) => apiEvent(o, { domainId: world.domainId }, ownerClaims, { email: world.removed[at(round)]! }));
      case 'remove-member':
        return api(o.name, (round) => apiEvent(o, { domainId: world.domainId, userId: world.members.toRemove[at(round)]! }, ownerClaims));
      case 'create-invitations':
        return api(o.name, () => apiEvent(o, { domainId: world.domainId }, ownerClaims, { emails: [`cold-${randomUUID()}@example.test`], userType: 'STANDARD', primaryTeamId: 'producers' }));
      case 'revoke-invitation':
        return api(o.name, (round) => apiEvent(o, { domainId: world.domainId, invitationId: world.invitations.toRevoke[at(round)]! }, ownerClaims));
      case 'resend-invitation':
        return api(o.name, (round) => apiEvent(o, { domainId: world.domainId, invitationId: world.invitations.toResend[at(round)]! }, ownerClaims));
      case 'approve-join-request':
        return api(o.name, (round) => apiEvent(o, { domainId: world.domainId, requestId: world.joinRequests.toApprove[at(round)]! }, ownerClaims));
      case 'decline-join-request':
        return api(o.name, (round) => apiEvent(o, { domainId: world.domainId, requestId: world.joinRequests.toDecline[at(round)]! }, ownerClaims));
      case 'lookup-invite-link':
        return api(o.name, () => apiEvent(o, {}, undefined, { token: world.link.token }));
      case 'join':
        return api(o.name, () => {
          const id = randomUUID();
          const person = { sub: `cold-${id}`, email: `cold-${id}@example.test`, email_verified: 'true', given_name: 'Cold', family_name: 'Start' };
          return apiEvent(o, {}, person, { token: world.link.token });
        });
      default:
        if (o.method !== 'GET') throw new Error(`bench/first-invocations.ts: no first invocation for ${o.name}`);
        return api(o.name, () => apiEvent(o, o.path.includes('{domainId}') ? { domainId: world.readDomainId } : {}, o.auth === 'jwt' ? ownerClaims : undefined));
    }
  });
  targets.push({ name: STREAM_CONSUMERS.notifier.name, event: () => joinRecordBatch(world), ok: (status) => status === 'ok' });
  // The timer sweep, as EventBridge Scheduler invokes it (its run reads every timer partition, whatever is due).
  targets.push({ name: TIMER_SWEEP.name, event: () => ({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: {} }), ok: (status) => status === 'ok' });
  return targets;
}

/** An HTTP API (payload 2.0) event as API Gateway passes it on, with the JWT authorizer's claims if any. */
export function apiEvent(
  route: Pick<NamedOperation, 'method' | 'path'>,
  params: Record<string, string>,
  claims: Record<string, string> | undefined,
  body?: unknown,
  query?: Record<string, string>,
) {
  const rawPath = route.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name]!);
  const routeKey = `${route.method} ${route.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: new URLSearchParams(query ?? {}).toString(),
    ...(query ? { queryStringParameters: query } : {}),
    headers: { 'content-type': 'application/json' },
    ...(Object.keys(params).length ? { pathParameters: params } : {}),
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    isBase64Encoded: false,
    requestContext: {
      http: { method: route.method, path: rawPath, sourceIp: '127.0.0.1' },
      requestId: 'bench',
      routeKey,
      ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
    },
  };
}

/** One join's INSERT as the event source mapping delivers it: a fresh join each time, so its email is sent each time. */
export function joinRecordBatch(world: Pick<ColdWorld, 'domainId' | 'link'>) {
  const joinedAt = new Date().toISOString();
  const id = randomUUID();
  const record = items.join({
    joinId: id,
    linkId: world.link.id,
    domainId: world.domainId,
    userId: `cold-${id}`,
    email: `cold-${id}@example.test`,
    firstName: 'Cold',
    lastName: 'Start',
    linkCreatedBy: OWNER.userId,
    linkExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    grant: { userType: 'STANDARD', primaryTeamId: 'editors', additionalTeamIds: [], roleGroupIds: [], groupIds: [] },
    joinedAt,
  });
  return {
    Records: [
      {
        eventID: id,
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/bench/stream/bench',
        dynamodb: {
          ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
          Keys: marshall({ PK: record.PK, SK: record.SK }),
          NewImage: marshall(record, { removeUndefinedValues: true }),
          SequenceNumber: String(Date.now()),
          SizeBytes: 512,
          StreamViewType: 'NEW_IMAGE',
        },
      },
    ],
  };
}
