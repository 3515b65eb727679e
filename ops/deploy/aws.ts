/**
 * What the deploy command asks AWS before it changes anything: whose credentials these are, and
 * whether each region it deploys to has the CDK's bootstrap stack.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

/** The stack `cdk bootstrap` makes (its default name). */
export const TOOLKIT_STACK = 'CDKToolkit';

/** The bootstrap version the synthesized stacks require (`requiresBootstrapStackVersion` in cdk.out/manifest.json). */
export const MIN_BOOTSTRAP_VERSION = 6;

/** Stack states in which the bootstrap stack's bucket and roles are usable. */
const SETTLED = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);

export type BootstrapState = { ready: true; version: number } | { ready: false; reason: string };

/** A call AWS refused, worded for the operator. */
export class AwsRefused extends Error {
  override name = 'AwsRefused';
}

/**
 * `--region`, else `AWS_REGION` / `AWS_DEFAULT_REGION`, else the profile's `region` in
 * ~/.aws/config (read from the file by the SDK; nothing is called).
 */
export async function resolveRegion(flag: string | undefined, env: Record<string, string | undefined>, profile?: string): Promise<string | undefined> {
  const fromEnv = flag || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (fromEnv) return fromEnv;
  const client = new STSClient(profile ? { profile } : {});
  try {
    return await client.config.region();
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}

export async function accountOf(sts: STSClient): Promise<string> {
  try {
    const { Account } = await sts.send(new GetCallerIdentityCommand({}));
    if (!Account) throw new AwsRefused('STS GetCallerIdentity named no account.');
    return Account;
  } catch (error) {
    if (error instanceof AwsRefused) throw error;
    const { name, message } = error as Error;
    if (name === 'CredentialsProviderError') {
      throw new AwsRefused(`No AWS credentials (${message}). Run \`aws configure\` or \`aws sso login\`, or set AWS_PROFILE (or --profile).`);
    }
    throw new AwsRefused(`STS GetCallerIdentity failed (${name}: ${message}). Are the credentials valid and not expired?`);
  }
}

/** Whether the region's bootstrap stack exists, is settled and is recent enough for the stacks. */
export async function bootstrapState(cloudFormation: CloudFormationClient): Promise<BootstrapState> {
  try {
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: TOOLKIT_STACK }));
    const stack = Stacks[0];
    if (!stack) return { ready: false, reason: `no ${TOOLKIT_STACK} stack` };
    const status = stack.StackStatus ?? 'unknown';
    if (!SETTLED.has(status)) return { ready: false, reason: `${TOOLKIT_STACK} is ${status}` };
    const version = Number(stack.Outputs?.find((o) => o.OutputKey === 'BootstrapVersion')?.OutputValue ?? 0);
    if (!(version >= MIN_BOOTSTRAP_VERSION)) return { ready: false, reason: `${TOOLKIT_STACK} is version ${version}, the stacks need ${MIN_BOOTSTRAP_VERSION} or later` };
    return { ready: true, version };
  } catch (error) {
    const { name, message } = error as Error;
    // CloudFormation's answer for a stack that does not exist.
    if (name === 'ValidationError' && /does not exist/.test(message)) return { ready: false, reason: `no ${TOOLKIT_STACK} stack` };
    throw new AwsRefused(`CloudFormation DescribeStacks ${TOOLKIT_STACK} failed (${name}: ${message}).`);
  }
}

/** The live calls, with the operator's credentials (`profile` when given, else the SDK's usual chain). */
export function awsChecks(profile?: string) {
  const config = (region?: string) => ({ ...(region ? { region } : {}), ...(profile ? { profile } : {}) });
  return {
    async accountOf(region: string) {
      const sts = new STSClient(config(region));
      try {
        return await accountOf(sts);
      } finally {
        sts.destroy();
      }
    },
    async bootstrapState(region: string) {
      const cloudFormation = new CloudFormationClient(config(region));
      try {
        return await bootstrapState(cloudFormation);
      } finally {
        cloudFormation.destroy();
      }
    },
  };
}
