/** What deploying the pages takes besides the upload: no linked source maps, and the findings on CDK's own deploy-time handler acknowledged. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnElement, DefaultStackSynthesizer, Stack, Token, Validations } from 'aws-cdk-lib';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { BucketDeployment } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';

/** What the deployment leaves out of the pages. */
export const SOURCE_MAPS = ['**/*.map'] as const;

/**
 * A page script or stylesheet that names its source map would point at a file that is not
 * deployed: the pages must be built for deploying (`npm run build:web`, which leaves the maps
 * unlinked), not by the local stack, which links them.
 */
export function refuseLinkedSourceMaps(scope: Construct, assetDir: string) {
  const files = readdirSync(assetDir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile() && /\.(?:m?js|css)$/.test(f.name));
  const linked = files
    .map((f) => join(f.parentPath, f.name))
    .filter((path) => /[#@]\s*sourceMappingURL=/.test(readFileSync(path, 'utf8')));
  if (linked.length > 0) {
    throw new Error(`${scope.node.path}: ${linked.join(', ')} name a source map, which is not deployed; build the pages with \`npm run build:web\`.`);
  }
}

/**
 * BucketDeployment's handler is a stack-level singleton that CDK owns, shared by every deployment
 * of the same settings in the stack (a second InviteLinks, your own); each Web acknowledges the
 * handler's generic findings and the grant on its own pages bucket.
 */
export function acknowledgeDeploymentHandler(deployment: BucketDeployment, pages: Bucket) {
  const stack = Stack.of(pages);
  const handler = deployment.handlerRole.node.scope!;
  const qualifier = stack.synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  const reasons: Record<string, string> = {
    'AwsSolutions-L1': 'CDK pins the runtime of its BucketDeployment handler (Python); it runs only during deploys.',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
      'CDK-owned deploy-time handler; the managed policy only lets it write its own logs.',
  };
  const copy = 'CDK-owned deploy-time handler copying the built pages from the CDK asset bucket into the pages bucket; CDK scopes the grant to those two buckets.';
  for (const finding of [
    'Action::s3:GetObject*',
    'Action::s3:GetBucket*',
    'Action::s3:List*',
    'Action::s3:DeleteObject*',
    'Action::s3:Abort*',
    // cdk-nag names tokens as <AWS::AccountId> and <LogicalId.Arn>.
    `Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-${literal(stack.account, '<AWS::AccountId>')}-${literal(stack.region, '<AWS::Region>')}/*`,
    `Resource::<${stack.getLogicalId(pages.node.defaultChild as CfnElement)}.Arn>/*`,
  ]) {
    reasons[`AwsSolutions-IAM5[${finding}]`] = copy;
  }
  reasons['AwsSolutions-IAM5[Resource::*]'] = 'cloudfront:CreateInvalidation/GetInvalidation, granted by CDK for the cache invalidation after upload, support no resource-level scoping in that grant.';
  for (const [id, reason] of Object.entries(reasons)) Validations.of(handler).acknowledge({ id, reason });
}

const literal = (value: string, token: string) => (Token.isUnresolved(value) ? token : value);
