/**
 * Makes every AWS call a function makes on this machine pass through IAM as it would in AWS: the
 * call is authorized against the policy of that function's own role, read from the synthesized
 * template (roles.ts), and refused with the error AWS gives (AccessDeniedException) before it is
 * sent. Which function is calling is known the way Lambda knows it: the local front door and the
 * stream readers run each invocation as its function (`IamEmulation.asFunction`). Calls made outside any
 * invocation (the stack seeding its table, a test reading it) are the operator's, not a
 * function's, and are not checked. docs/iam-emulation.md says what is checked and what is not.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { AccessDeniedException as EventBridgeAccessDenied } from '@aws-sdk/client-eventbridge';
import { KMSServiceException } from '@aws-sdk/client-kms';
import { SESServiceException } from '@aws-sdk/client-ses';
import { decide, wildcard, type AuthorizationRequest } from './policy.ts';
import { authorizationRequests } from './requests.ts';
import { LOCAL_ACCOUNT, type FunctionRole } from './roles.ts';
import { LOCAL_AWS } from '../services.ts';

const MIDDLEWARE_NAME = 'emulateIam';
/** Where the functions run: this machine's region and account, as every ARN the roles name. */
const CALLER = { region: LOCAL_AWS.region, account: LOCAL_ACCOUNT };

/** An SDK v3 client (or a DocumentClient, which shares its client's stack). */
interface SdkClient {
  middlewareStack: { add(middleware: unknown, options: object): void; remove(name: string): boolean };
}

/** One action on one resource of one statement: the unit a grant is used or unused in. */
export interface Grant {
  statement: number;
  action: string;
  resource: number;
}

/** One call a function made, as IAM saw it. */
export interface Authorization {
  functionName: string;
  request: AuthorizationRequest;
  allowed: boolean;
  /** The grants that allowed it: an Allow statement's action and resource, by position in the role's statements. */
  grants: Grant[];
}

export interface IamEmulationOptions {
  roles: Record<string, FunctionRole>;
  /** Told of every decision, for tests that compare what is granted with what is used. */
  onAuthorization?: (authorization: Authorization) => void;
}

/** One stack's IAM: its functions' roles, and how to run code as one of them. */
export interface IamEmulation {
  /** Runs `work` as an invocation of the named function: AWS calls inside it are authorized against that function's role. */
  asFunction<T>(functionName: string, work: () => T): T;
  /** Authorizes requests for the function directly (what the Lambda service does with its role, e.g. reading the stream). */
  authorize(functionName: string, requests: AuthorizationRequest[]): void;
  /** Where the function's event source mapping sends what failed every retry (its SQS queue's ARN). */
  onFailureDestination(functionName: string): string | undefined;
}

/** IAM switched off: every call goes through, as on DynamoDB Local itself. */
export const NO_IAM: IamEmulation = { asFunction: (_, work) => work(), authorize: () => {}, onFailureDestination: () => undefined };

/** The invocation running now, if any: which function, under which stack's IAM. */
const acting = new AsyncLocalStorage<{ functionName: string; iam: IamEmulation }>();

/** The function whose invocation this code runs in, if any. */
export const actingFunction = (): string | undefined => acting.getStore()?.functionName;

/** A stack's IAM; several stacks in one process each keep their own. Clients must also go through emulateIam. */
export function iamEmulation(options: IamEmulationOptions): IamEmulation {
  const iam: IamEmulation = {
    asFunction: (functionName, work) => acting.run({ functionName, iam }, work),
    authorize(functionName, requests) {
      const role = options.roles[functionName];
      if (!role) throw new Error(`IAM emulation: no role for function "${functionName}" in the synthesized template`);
      for (const request of requests) {
        const decision = decide(role.statements, request);
        options.onAuthorization?.({ functionName, request, allowed: decision.allowed, grants: decision.allowed ? grantsUsed(role, request) : [] });
        if (!decision.allowed) throw accessDenied(functionName, role.role, request, decision.deniedBy !== undefined);
      }
    },
    onFailureDestination: (functionName) => options.roles[functionName]?.eventSource?.onFailure,
  };
  return iam;
}

/** Adds the check to a client's middleware stack (again replaces it): a call made inside an invocation is authorized first. */
export function emulateIam<C extends SdkClient>(client: C): C {
  client.middlewareStack.add(
    (next: (args: { input: object }) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => async (args: { input: object }) => {
      const invocation = acting.getStore();
      if (invocation) invocation.iam.authorize(invocation.functionName, authorizationRequests(String(context.clientName), String(context.commandName), args.input, CALLER));
      return next(args);
    },
    // Before serializing and before the retry loop: a refused call is never sent, and never retried (AWS's SDK does not retry it either).
    { step: 'initialize', priority: 'high', name: MIDDLEWARE_NAME, override: true },
  );
  return client;
}

/** Every grant of the role's Allow statements that this request falls under. */
function grantsUsed(role: FunctionRole, request: AuthorizationRequest): Grant[] {
  const used: Grant[] = [];
  for (const [statement, { effect, actions, resources }] of role.statements.entries()) {
    if (effect !== 'Allow' || !actions || !resources) continue;
    for (const action of actions.filter((a) => wildcard(a, request.action, true))) {
      for (const [resource, pattern] of resources.entries()) {
        if (request.resources.some((wanted) => wildcard(pattern, wanted, false))) used.push({ statement, action, resource });
      }
    }
  }
  return used;
}

/** The refusal as each service's SDK surfaces it. */
function accessDenied(functionName: string, role: string, request: AuthorizationRequest, explicit: boolean): Error {
  const principal = `arn:aws:sts::${CALLER.account}:assumed-role/${role}/${functionName}`;
  const resource = request.resources[0]!;
  const why = explicit ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${request.action} action`;
  const message = `User: ${principal} is not authorized to perform: ${request.action} on resource: ${resource} ${why}`;
  const $metadata = { httpStatusCode: 400, attempts: 1, totalRetryDelay: 0 };
  switch (request.action.split(':')[0]) {
    case 'ses':
      return new SESServiceException({ name: 'AccessDenied', $fault: 'client', message, $metadata: { ...$metadata, httpStatusCode: 403 } });
    case 'events':
      return new EventBridgeAccessDenied({ message, $metadata });
    case 'kms':
      return new KMSServiceException({ name: 'AccessDeniedException', $fault: 'client', message, $metadata });
    default:
      return new DynamoDBServiceException({ name: 'AccessDeniedException', $fault: 'client', message, $metadata });
  }
}
