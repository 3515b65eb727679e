/**
 * The policy checks every synth of the app runs on its templates, beside cdk-nag: the project's own
 * cfn-guard rules (infra/guard/*.guard) and the bundled Control Tower proactive controls that fit
 * this service, through @cdklabs/cdk-validator-cfnguard, whose cfn-guard binary comes from npm.
 */
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';

/** The project's own rules: one file per concern. */
export const GUARD_RULES_DIR = new URL('./guard', import.meta.url).pathname;

/** The package's Control Tower proactive controls, one folder per service. */
export const CONTROL_TOWER_DIR = join(dirname(createRequire(import.meta.url).resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');

/**
 * The bundled controls kept, by file under rules/control-tower/cfn-guard, each for what it holds
 * this service to. The others are off: they ask for what the service chose not to do, each choice
 * already reasoned where cdk-nag asks the same (docs/deploy.md, Template checks), and cfn-guard can
 * only turn a rule off for every resource, not acknowledge it on one.
 */
export const CONTROL_TOWER_CONTROLS: Record<string, string> = {
  'apigateway/ct-apigateway-pr-4': 'the API stage writes access logs',
  'cloudfront/ct-cloudfront-pr-1': 'the distribution serves index.html at its root',
  'cloudfront/ct-cloudfront-pr-3': 'viewers reach the distribution over HTTPS only',
  'cloudfront/ct-cloudfront-pr-8': 'CloudFront reaches its origins over HTTPS',
  'cloudfront/ct-cloudfront-pr-10': 'the pages bucket is read through origin access control',
  'cloudfront/ct-cloudfront-pr-11': 'no SSLv3 or TLS 1.0 to an origin',
  'cloudwatch/ct-cloudwatch-pr-4': 'no alarm has its actions switched off',
  'dynamodb/ct-dynamodb-pr-1': 'the table keeps point-in-time recovery',
  'identityandaccessmanagement/ct-iam-pr-1': 'no statement allows every action on every resource',
  'identityandaccessmanagement/ct-iam-pr-5': 'no statement allows every action of a service',
  'keymanagementservice/ct-kms-pr-1': 'the alarm topic\'s key rotates',
  's3/ct-s3-pr-1': 'the pages bucket blocks public access',
  's3/ct-s3-pr-5': 'the pages bucket uses no ACLs',
  's3/ct-s3-pr-8': 'the pages bucket refuses plain HTTP',
  'sqs/ct-sqs-pr-2': 'the dead-letter queues are encrypted',
  'waf/ct-wafv2-pr-1': 'the web ACL has rules',
};

/** Where the package has a cfn-guard binary: Linux and macOS, x64 and arm64. */
export const TEMPLATE_CHECKS_RUN_HERE = ['linux', 'darwin'].includes(process.platform) && ['x64', 'arm64'].includes(process.arch);

/** The validator the app registers: every synth fails on a template that breaks a rule. */
export function templateChecks(): CfnGuardValidator {
  return new CfnGuardValidator({
    controlTowerRulesEnabled: false,
    rules: [GUARD_RULES_DIR, ...Object.keys(CONTROL_TOWER_CONTROLS).map((control) => join(CONTROL_TOWER_DIR, `${control}.guard`))],
  });
}
