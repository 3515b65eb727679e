/**
 * The ONE place every Lambda function's defaults live: runtime = the Node major the tests run on,
 * arm64, its own log group with retention, active tracing, ESM bundle with source maps, and a
 * role that holds nothing until `bindTable` grants exactly the table actions the code uses.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import { RUNTIME_SETTINGS, SETTINGS } from '#shared/config.ts';
import type { KeyAction, TableAction } from '#shared/contract/operations.ts';
import { SEAL_CONTEXT_KEYS } from '#shared/store/token-vault.ts';
import { SERVICE_NAME } from '#shared/observability/names.ts';
import { TABLE } from '#shared/store/dynamodb/table.ts';

export const REPO_ROOT = new URL('../..', import.meta.url).pathname;

export type { TableAction };

export const FUNCTION_DEFAULTS = {
  runtime: Runtime.NODEJS_24_X,
  architecture: Architecture.ARM_64,
  /** What the bench recommends (docs/cost.md): the CPU share 1024 MB brings keeps a warm join within 1.5x of a full vCPU's time. */
  memorySize: 1024,
  logRetention: RetentionDays.ONE_MONTH,
} as const;

/** The environment every function gets, which changes how Node and Powertools start; the bench starts its functions with it too. */
export const FUNCTION_ENVIRONMENT = {
  [RUNTIME_SETTINGS.serviceName]: SERVICE_NAME,
  [RUNTIME_SETTINGS.nodeOptions]: '--enable-source-maps',
} as const;

/**
 * How every function is bundled. Some bundled CommonJS dependencies call require(), which an ESM
 * bundle has only through the banner. The SDK is bundled, not taken from the runtime: smaller
 * import time (docs/deploy.md) and a pinned version.
 */
export const BUNDLING = {
  /** ESM builds of the SDK first: smaller bundles and faster imports than their CommonJS builds. */
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  externalModules: [] as string[],
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
};

/** The target every bundle is built for: the runtime's Node major. */
const BUNDLE_TARGET = 'node24';

/**
 * BUNDLING as esbuild's own build options, the flags CDK's esbuild command gets from the function's
 * bundling below: what the bench and the tests bundle with when they call esbuild themselves.
 */
export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: BUNDLE_TARGET,
  mainFields: BUNDLING.mainFields,
  minify: BUNDLING.minify,
  sourcemap: BUNDLING.sourceMap,
  sourcesContent: false,
  external: BUNDLING.externalModules,
  banner: { js: BUNDLING.banner },
} satisfies BuildOptions;

/** Where a function's (or the API's) logs go: retention and what happens to the log group when the stack goes. */
export interface LogOptions {
  retention?: RetentionDays;
  /** Defaults to DESTROY: logs go with the stack. */
  removalPolicy?: RemovalPolicy;
}

/** The actions that write items: with a customer managed key they need the key's encrypt actions too. */
const WRITES: readonly TableAction[] = ['PutItem', 'UpdateItem', 'ConditionCheckItem'];

export interface ServiceFunctionProps {
  /** File name under functions/, without `.ts`. */
  name: string;
  /** Entry file; defaults to functions/<name>.ts. */
  entry?: string;
  description: string;
  timeout: Duration;
  environment?: Record<string, string>;
  logs?: LogOptions;
}

export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logs?.retention ?? FUNCTION_DEFAULTS.logRetention,
      removalPolicy: props.logs?.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: it may write to its own log group only.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry ?? `${REPO_ROOT}functions/${props.name}.ts`,
      handler: 'handler',
      description: props.description,
      runtime: FUNCTION_DEFAULTS.runtime,
      architecture: FUNCTION_DEFAULTS.architecture,
      memorySize: FUNCTION_DEFAULTS.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      environment: {
        ...FUNCTION_ENVIRONMENT,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        platform: 'node',
        ...BUNDLING,
        sourcesContent: false,
        forceDockerBundling: false,
        logLevel: LogLevel.ERROR,
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; the grant comes from Tracing.ACTIVE.',
    });
  }

  /**
   * Sets TABLE_NAME and grants exactly `dynamodb:<action>` for these actions: on the table, and Query on the index only
   * for `QueryByDomain`; with a customer managed key, the key actions those reads and writes need.
   */
  bindTable(table: ITable, actions: readonly TableAction[]): this {
    if (actions.length === 0) return this;
    this.fn.addEnvironment(SETTINGS.tableName, table.tableName);
    const onTable = actions.filter((a) => a !== 'QueryByDomain');
    if (onTable.length > 0) {
      this.role.addToPrincipalPolicy(new PolicyStatement({ actions: onTable.map((a) => `dynamodb:${a}`), resources: [table.tableArn] }));
    }
    if (actions.includes('QueryByDomain')) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${table.tableArn}/index/${TABLE.byDomainIndex.name}`] }),
      );
    }
    if (table.encryptionKey) {
      // A table you bring may use a customer managed key: the key actions CDK's own table grants give.
      const writes = actions.some((a) => WRITES.includes(a));
      table.encryptionKey.grant(this.role, 'kms:Decrypt', 'kms:DescribeKey', ...(writes ? ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'] : []));
      if (writes) {
        for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
          Validations.of(this.role).acknowledge({
            id: `AwsSolutions-IAM5[Action::${action}]`,
            reason: 'The encrypt actions DynamoDB needs on the table\'s customer managed key for writes, as CDK grants them; the statement names that one key.',
          });
        }
      }
    }
    return this;
  }

  /**
   * Sets INVITE_LINK_KEY_ARN and grants exactly `kms:<action>` for these actions on the link key, and
   * only for a token sealed for one link: the encryption context names its domain and link, nothing else.
   */
  bindLinkKey(key: IKey, actions: readonly KeyAction[]): this {
    if (actions.length === 0) return this;
    this.fn.addEnvironment(SETTINGS.linkKeyArn, key.keyArn);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: actions.map((a) => `kms:${a}`),
        resources: [key.keyArn],
        conditions: {
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...SEAL_CONTEXT_KEYS] },
          StringLike: Object.fromEntries(SEAL_CONTEXT_KEYS.map((name) => [`kms:EncryptionContext:${name}`, '?*'])),
        },
      }),
    );
    return this;
  }
}
