/**
 * The whole service as one construct: the table (or yours), the API, the table stream's consumers
 * (the signup notifier, the events feed), the pages, an event bus (or yours) the events feed
 * publishes to, and optionally a Cognito user pool. Pages and API share one
 * CloudFront origin (the API under /v1/*), behind a WAF web ACL: one you give (webAclArn), or its
 * own when the stack is in us-east-1. It fixes no physical name, so an app may hold it more than
 * once, one copy a stack (a copy is about 300 of the 500 resources CloudFormation allows a stack).
 * infra/invite-links-stack.ts deploys it on its own; docs/deploy.md shows how to put it in your
 * own stack.
 */
import { Annotations, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { SETTINGS } from '#shared/config.ts';
import type { OperationName } from '#shared/contract/operations.ts';
import { CONSUMER_LIST, type ConsumerKey, type ConsumerName } from '#shared/streams/consumers.ts';
import { TIMER_SWEEP } from '#shared/timer-sweep.ts';
import { Api } from './constructs/api.ts';
import { Health } from './constructs/health.ts';
import { REPO_ROOT, type LogOptions } from './constructs/service-function.ts';
import { streamConsumers, type StreamConsumerFunction } from './constructs/stream-consumer.ts';
import { inviteLinksTable, tableProblems } from './constructs/table.ts';
import { TimerSweep } from './constructs/timer-sweep.ts';
import { InviteLinksUserPool, managedLoginUrl, SIGN_IN_SCOPES, type CognitoEmail } from './constructs/user-pool.ts';
import { InviteLinksWebAcl, WEB_ACL_REGION } from './constructs/web-acl.ts';
import { Web } from './constructs/web.ts';

export interface InviteLinksProps {
  /** SES sender of the signup emails; its address or domain must be a verified SES identity. */
  notifyFrom: string;
  /** Create a Cognito user pool and trust its tokens; otherwise give jwtIssuer and jwtAudience. */
  createUserPool?: boolean;
  /** Your own OpenID Connect provider: exactly the `iss` of its tokens. */
  jwtIssuer?: string;
  /** The audiences the API accepts from jwtIssuer. */
  jwtAudience?: string[];
  /** The pages' public client at jwtIssuer; defaults to the first audience. */
  jwtClientId?: string;
  /** Origins besides jwtIssuer's that the pages fetch from, e.g. a token endpoint on another host. */
  identityProviderOrigins?: string[];
  /**
   * Managed login domain prefix when createUserPool; unique in the region across all accounts.
   * Defaults to this construct's path in lower case (stack name included) and the account.
   */
  userPoolDomainPrefix?: string;
  /**
   * With createUserPool: Cognito sends its sign-up and sign-in codes through SES as this sender.
   * Without it Cognito's own email sends about 50 a day for the account (synth warns).
   */
  cognitoEmail?: CognitoEmail;
  /** Link lifetime override; the service's default is 7 days. */
  inviteLinkTtlSeconds?: number;
  /** Built pages; defaults to web/dist (written by `npm run build:web`). */
  webAssetDir?: string;
  /** A stream consumer's entry file by its name (shared/streams/consumers.ts); each defaults to functions/<name>.ts. */
  consumerEntries?: Partial<Record<ConsumerName, string>>;
  /** @deprecated consumerEntries['notify-signup'] */
  notifierEntry?: string;
  /** @deprecated consumerEntries['publish-events'] */
  eventsFeedEntry?: string;
  /**
   * A table of yours instead of a new one. It must be keyed PK/SK (strings), have the global
   * secondary index GSI1 keyed GSI1PK/GSI1SK projecting ALL, a stream with new images, and TTL
   * on `ttl`. Checked at synth when the table is defined in this app; an imported one is trusted.
   */
  table?: ITable;
  /** The bus the service's events go to (docs/events.md); a new one when absent. */
  eventBus?: IEventBus;
  /** Every function's log group and the API's access logs; defaults: 1 month and 3 months. */
  logRetention?: RetentionDays;
  /** For the table (default RETAIN), the link key (default RETAIN), the user pool (default RETAIN) and the log groups (default DESTROY) this creates. */
  removalPolicy?: RemovalPolicy;
  /**
   * The ARN of a WAFv2 web ACL with scope CLOUDFRONT (created in us-east-1), e.g. InviteLinksEdgeStack's.
   * Without it the construct makes its own when its stack is in us-east-1, and has none elsewhere (synth warns).
   * With a web ACL API Gateway sets no throttles: the ceilings are the web ACL's (InviteLinksWebAcl has them).
   */
  webAclArn?: string;
  /** An SNS topic of yours that every alarm notifies, when it fires and when it is OK again. */
  alarmTopic?: ITopic;
  /** Instead of alarmTopic: an address to email the alarms to, through a new encrypted topic (the address must confirm). */
  alarmEmail?: string;
}

/** The functions by name: each API operation's, each stream consumer's and the timer sweep's (its file under functions/). */
export type InviteLinksFunctionName = OperationName | ConsumerName | typeof TIMER_SWEEP.name;

export class InviteLinks extends Construct {
  /** Base URL of the v1 API, no trailing slash: the pages' own origin, /v1/* going to the HTTP API. */
  readonly apiUrl: string;
  /** The pages; invite links point here (PUBLIC_BASE_URL). */
  readonly webUrl: string;
  readonly table: ITable;
  readonly eventBus: IEventBus;
  /** Seals each link's token at rest, so its creator or an admin can copy the link again (reveal); rotated yearly. */
  readonly linkKey: Key;
  readonly functions: Readonly<Record<InviteLinksFunctionName, NodejsFunction>>;
  readonly api: Api;
  readonly web: Web;
  /** Each stream consumer by its key in shared/streams/consumers.ts: its function, dead-letter queue and alarms. */
  readonly consumers: Readonly<Record<ConsumerKey, StreamConsumerFunction>>;
  /** The signup notifier: `consumers.notifier`. */
  readonly notifier: StreamConsumerFunction;
  /** The events feed from the table's stream to eventBus: `consumers.eventsFeed`. */
  readonly eventsFeed: StreamConsumerFunction;
  /** Fires the timers due every minute (a link's warning and end, a membership's end): its function, schedule and alarms. */
  readonly timerSweep: TimerSweep;
  readonly userPool?: InviteLinksUserPool;
  /** The web ACL this construct made (stack in us-east-1, no webAclArn given). */
  readonly webAcl?: InviteLinksWebAcl;
  /** The web ACL in front of the distribution, if any. */
  readonly webAclArn?: string;
  /** The dashboard, the API's 5xx alarm, and the topic every alarm notifies (alarmTopic or alarmEmail). */
  readonly health: Health;

  constructor(scope: Construct, id: string, props: InviteLinksProps) {
    super(scope, id);
    const logs: LogOptions = { retention: props.logRetention, removalPolicy: props.removalPolicy };

    this.table = props.table ?? inviteLinksTable(this, 'Table', props.removalPolicy);
    if (props.table) checkGivenTable(this, props.table);
    this.eventBus = props.eventBus ?? new EventBus(this, 'Events', { description: 'invite-links: the service\'s events' });
    this.linkKey = new Key(this, 'LinkKey', {
      description: 'invite-links: seals each link\'s token, so its creator or an admin can copy the link again',
      enableKeyRotation: true,
      // Like the table: without the key the sealed tokens in it open no more.
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    const external = props.createUserPool ? undefined : externalProvider(props);
    if (props.cognitoEmail && !props.createUserPool) throw new Error('cognitoEmail is how the user pool this construct creates sends its codes: set createUserPool too, or leave cognitoEmail out.');
    // The managed login URL is known before the web distribution exists, so the CSP can name it.
    const domainPrefix = props.userPoolDomainPrefix ?? defaultDomainPrefix(this);
    const managedLogin = props.createUserPool ? managedLoginUrl(domainPrefix, Stack.of(this).region) : undefined;
    if (!props.webAclArn && Stack.of(this).region === WEB_ACL_REGION) this.webAcl = new InviteLinksWebAcl(this, 'Firewall');
    this.webAclArn = props.webAclArn ?? this.webAcl?.arn;
    this.web = new Web(this, 'Web', {
      connectSources: managedLogin ? [managedLogin] : external!.origins,
      ...(this.webAclArn ? { webAclArn: this.webAclArn } : {}),
    });
    this.webUrl = this.web.url;

    if (props.createUserPool) {
      this.userPool = new InviteLinksUserPool(this, 'Users', {
        webUrl: this.webUrl,
        domainPrefix,
        removalPolicy: props.removalPolicy,
        ...(props.cognitoEmail ? { email: props.cognitoEmail } : {}),
      });
    }
    const issuer = this.userPool ? this.userPool.issuer : external!.issuer;
    const audience = this.userPool ? [this.userPool.client.userPoolClientId] : external!.audience;

    this.api = new Api(this, 'Api', {
      table: this.table,
      linkKey: this.linkKey,
      jwtIssuer: issuer,
      jwtAudience: audience,
      environment: {
        [SETTINGS.publicBaseUrl]: this.webUrl,
        ...(props.inviteLinkTtlSeconds ? { [SETTINGS.linkTtlSeconds]: String(props.inviteLinkTtlSeconds) } : {}),
      },
      logs,
      // A web ACL counts only what comes through CloudFront: the ceilings live there when there is one.
      gatewayThrottles: !this.webAclArn,
    });
    this.web.routeApi(this.api);
    this.apiUrl = this.webUrl;

    this.consumers = streamConsumers(this, {
      table: this.table,
      notifyFrom: props.notifyFrom,
      eventBus: this.eventBus,
      linkKey: this.linkKey,
      settings: { [SETTINGS.notifyFrom]: props.notifyFrom, [SETTINGS.publicBaseUrl]: this.webUrl, [SETTINGS.eventBusName]: this.eventBus.eventBusName },
      entries: {
        ...(props.notifierEntry ? { 'notify-signup': props.notifierEntry } : {}),
        ...(props.eventsFeedEntry ? { 'publish-events': props.eventsFeedEntry } : {}),
        ...props.consumerEntries,
      },
      logs,
    });
    ({ notifier: this.notifier, eventsFeed: this.eventsFeed } = this.consumers);
    const consumers = CONSUMER_LIST.map(({ key }) => this.consumers[key]);
    this.timerSweep = new TimerSweep(this, 'TimerSweep', { table: this.table, logs });

    const byOperation = Object.entries(this.api.functions).map(([name, fn]) => [name, fn.fn] as const);
    const byConsumer = consumers.map(({ consumer, function: fn }) => [consumer.name, fn.fn] as const);
    this.functions = Object.fromEntries([...byOperation, ...byConsumer, [TIMER_SWEEP.name, this.timerSweep.function.fn]]) as Record<InviteLinksFunctionName, NodejsFunction>;

    this.health = new Health(this, 'Health', {
      httpApi: this.api.httpApi,
      functions: { ...this.functions, 'origin-check': this.api.originCheck.function },
      streamReaders: Object.fromEntries(byConsumer),
      deadLetters: Object.fromEntries(consumers.map(({ consumer, deadLetters }) => [consumer.deadLetters.label, deadLetters])),
      table: this.table,
      ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}),
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });
    // Every alarm made so far is the construct's own: the readers' and the API's.
    this.health.watch(this.node.findAll().filter((c): c is Alarm => c instanceof Alarm));

    this.web.deployPages(props.webAssetDir ?? `${REPO_ROOT}web/dist`, {
      // The API is the pages' own origin.
      apiBaseUrl: '',
      identityProvider: {
        issuer,
        clientId: this.userPool ? this.userPool.client.userPoolClientId : external!.clientId,
        audience,
        scope: SIGN_IN_SCOPES.map((scope) => scope.scopeName).join(' '),
        // Cognito serves its discovery document without CORS, so the pages get its endpoints here;
        // another provider's pages read them from its discovery document.
        ...(managedLogin
          ? {
              displayName: 'Cognito',
              endpoints: {
                authorization: `${managedLogin}/oauth2/authorize`,
                token: `${managedLogin}/oauth2/token`,
                signUp: `${managedLogin}/signup`,
                logout: `${managedLogin}/logout`,
              },
            }
          : {}),
      },
    });
  }
}

/** A table without a stream is refused at once (the stream consumers need it); the rest is checked at synth, once the app is complete. */
function checkGivenTable(scope: Construct, table: ITable) {
  if (!table.tableStreamArn) {
    throw new Error(`InviteLinks ${scope.node.path}: the table given has no stream; its consumers (${CONSUMER_LIST.map((c) => c.name).join(', ')}) read it (NEW_IMAGE).`);
  }
  scope.node.addValidation({
    validate: () => {
      const { errors, warnings } = tableProblems(table);
      for (const warning of warnings) Annotations.of(scope).addWarningV2('invite-links:table-ttl', `The table given: ${warning}.`);
      return errors.map((error) => `The table given to InviteLinks (${table.node.path}): ${error}.`);
    },
  });
}

/**
 * Managed login prefixes are unique per region across every account, so the default is this
 * construct's path (stack name included, hashed when nested) and the account, in the characters
 * Cognito takes, without the words it refuses, within its 63.
 */
function defaultDomainPrefix(scope: Construct): string {
  const path = Names.uniqueResourceName(scope, { maxLength: 50, separator: '-' })
    .toLowerCase()
    .replace(/aws|amazon|cognito/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return `${path || 'invite-links'}-${Stack.of(scope).account}`;
}

interface ExternalProvider {
  issuer: string;
  audience: string[];
  clientId: string;
  /** What the pages fetch from: the issuer's origin (discovery) and any other origins named. */
  origins: string[];
}

function externalProvider(props: InviteLinksProps): ExternalProvider {
  if (!props.jwtIssuer || !props.jwtAudience?.length) {
    throw new Error('Give jwtIssuer and jwtAudience (your identity provider), or set createUserPool to create a Cognito user pool.');
  }
  const origins = [props.jwtIssuer, ...(props.identityProviderOrigins ?? [])].map(originOf);
  return {
    issuer: props.jwtIssuer,
    audience: props.jwtAudience,
    clientId: props.jwtClientId ?? props.jwtAudience[0]!,
    origins: [...new Set(origins)],
  };
}

/** `https://host[:port]` of a URL: what connect-src names, so a path is dropped. */
function originOf(url: string): string {
  if (Token.isUnresolved(url)) return url;
  const parsed = URL.parse(url);
  if (parsed?.protocol !== 'https:') throw new Error(`The identity provider must be reached over https: "${url}".`);
  return parsed.origin;
}
