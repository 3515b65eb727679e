/**
 * Each function's execution role as the synthesized template states it (synth-roles.ts), with
 * every CloudFormation reference resolved to this machine's resources: the table, its stream, the
 * bus. The synth runs once per change of the code that shapes the template and is kept in
 * node_modules/.cache.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LOCAL_AWS } from '../services.ts';

export interface TemplateResource {
  Type: string;
  Properties: Record<string, unknown>;
}

/** What synth-roles.ts prints: the template's words, unresolved. */
export interface SynthesizedRoles {
  account: string;
  region: string;
  functions: Record<string, {
    role: string;
    statements: unknown[];
    managedPolicyArns: unknown[];
    /** The event source mapping's stream and on-failure destination, for a stream reader. */
    eventSource?: { arn: unknown; onFailure?: unknown };
  }>;
  /** Logical id to resource type, for resolving references. */
  resourceTypes: Record<string, string>;
}

export interface Statement {
  effect: 'Allow' | 'Deny';
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  /** Operator (e.g. `StringEquals`, `ForAnyValue:StringLike`) to key to values. */
  conditions?: Record<string, Record<string, string[]>>;
}

export interface FunctionRole {
  /** The role's logical id in the template, for messages. */
  role: string;
  statements: Statement[];
  eventSource?: { streamArn: string; onFailure?: string };
}

/** This machine's stand-ins for the resources the template names. */
export interface LocalResources {
  tableName: string;
  streamArn: string;
  busName: string;
  /** The local KMS's key, which stands for the template's link key. */
  keyArn: string;
}

/** The account the local stack's ARNs are in; the region is LOCAL_AWS's. */
export const LOCAL_ACCOUNT = '000000000000';

const REPO = new URL('../../', import.meta.url).pathname;
/** What shapes the template: the CDK app, the definitions it reads, the pinned packages. */
const TEMPLATE_SOURCES = ['infra', 'shared', 'web/content-security-policy.ts', 'web/page-config.ts', 'cdk.json', 'package-lock.json', 'local/iam/synth-roles.ts'];
const CACHE_DIR = join(REPO, 'node_modules/.cache/invite-links');

/** The roles of the app `cdk deploy` would build, with `notifyFrom` the local sender; synthesized once per change. */
export async function synthesizedRoles(notifyFrom: string): Promise<SynthesizedRoles> {
  const request = { context: { notifyFrom }, account: LOCAL_ACCOUNT, region: LOCAL_AWS.region };
  const hash = createHash('sha256').update(JSON.stringify(request));
  for (const file of TEMPLATE_SOURCES.flatMap((source) => filesUnder(join(REPO, source)))) {
    hash.update(relative(REPO, file)).update(readFileSync(file));
  }
  const cached = join(CACHE_DIR, `iam-roles-${hash.digest('hex').slice(0, 16)}.json`);
  if (!existsSync(cached)) {
    mkdirSync(CACHE_DIR, { recursive: true });
    const partial = `${cached}.${process.pid}.tmp`;
    await run(process.execPath, ['--import', 'tsx', join(REPO, 'local/iam/synth-roles.ts'), JSON.stringify(request), partial]);
    renameSync(partial, cached);
  }
  return JSON.parse(readFileSync(cached, 'utf8')) as SynthesizedRoles;
}

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`Synthesizing the app to read its IAM policies failed (${code}):\n${stderr.trim()}`)),
    );
  });
}

/** Every function's role with the template's references replaced by this machine's ARNs. */
export function localRoles(synth: SynthesizedRoles, local: LocalResources): Record<string, FunctionRole> {
  const arn = (service: string, resource: string) => `arn:aws:${service}:${synth.region}:${synth.account}:${resource}`;
  const attribute = (id: string, name: string): string => {
    const type = synth.resourceTypes[id];
    if (type === 'AWS::DynamoDB::Table' || type === 'AWS::DynamoDB::GlobalTable') {
      if (name === 'Arn') return arn('dynamodb', `table/${local.tableName}`);
      if (name === 'StreamArn') return local.streamArn;
    }
    if (type === 'AWS::Events::EventBus' && name === 'Arn') return arn('events', `event-bus/${local.busName}`);
    if (type === 'AWS::KMS::Key' && name === 'Arn') return local.keyArn;
    // Anything else (log groups, queues, secrets) has no stand-in a function calls: a name that is its own.
    return arn(type?.split('::')[1]?.toLowerCase() ?? 'unknown', `${id}.${name}`);
  };
  const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': synth.region, 'AWS::AccountId': synth.account, 'AWS::URLSuffix': 'amazonaws.com' };
  const reference = (id: string): string => {
    if (pseudo[id]) return pseudo[id];
    const type = synth.resourceTypes[id];
    if (type === 'AWS::DynamoDB::Table' || type === 'AWS::DynamoDB::GlobalTable') return local.tableName;
    if (type === 'AWS::Events::EventBus') return local.busName;
    return `${id}.Ref`;
  };
  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string' || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map(resolve);
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [[fn, args]] = entries as [[string, any]];
      if (fn === 'Ref') return reference(args as string);
      if (fn === 'Fn::GetAtt') return attribute(...((typeof args === 'string' ? args.split('.') : args) as [string, string]));
      if (fn === 'Fn::Join') return (resolve(args[1]) as string[]).join(args[0] as string);
      if (fn === 'Fn::Select') return (resolve(args[1]) as string[])[Number(resolve(args[0]))];
      if (fn === 'Fn::Split') return String(resolve(args[1])).split(args[0] as string);
      if (fn === 'Fn::Sub' && typeof args === 'string') {
        return args.replace(/\$\{([^}]+)\}/g, (_, name: string) => (name.includes('.') ? attribute(...(name.split('.') as [string, string])) : reference(name)));
      }
      if (fn.startsWith('Fn::')) throw new Error(`IAM emulation: the template uses ${fn} in a policy, which it cannot resolve`);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
  };
  const list = (value: unknown): string[] | undefined => (value === undefined ? undefined : [resolve(value)].flat().map(String));

  return Object.fromEntries(
    Object.entries(synth.functions).map(([name, fn]) => {
      if (fn.managedPolicyArns.length > 0) {
        throw new Error(`IAM emulation: ${name}'s role has managed policies (${JSON.stringify(fn.managedPolicyArns)}), whose statements it cannot read`);
      }
      const statements = fn.statements.map((raw): Statement => {
        const s = raw as Record<string, unknown>;
        if (s.Principal || s.NotPrincipal) throw new Error(`IAM emulation: ${name}'s role has a statement with a principal, which an identity policy cannot have`);
        return {
          effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
          ...(s.Action !== undefined ? { actions: list(s.Action) } : {}),
          ...(s.NotAction !== undefined ? { notActions: list(s.NotAction) } : {}),
          ...(s.Resource !== undefined ? { resources: list(s.Resource) } : {}),
          ...(s.NotResource !== undefined ? { notResources: list(s.NotResource) } : {}),
          ...(s.Condition !== undefined
            ? {
                conditions: Object.fromEntries(
                  Object.entries(s.Condition as Record<string, Record<string, unknown>>).map(([operator, keys]) => [
                    operator,
                    Object.fromEntries(Object.entries(keys).map(([key, values]) => [key, list(values)!])),
                  ]),
                ),
              }
            : {}),
        };
      });
      const eventSource = fn.eventSource
        ? { streamArn: String(resolve(fn.eventSource.arn)), ...(fn.eventSource.onFailure ? { onFailure: String(resolve(fn.eventSource.onFailure)) } : {}) }
        : undefined;
      return [name, { role: fn.role, statements, ...(eventSource ? { eventSource } : {}) }];
    }),
  );
}
