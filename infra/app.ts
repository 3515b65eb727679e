/**
 * The CDK app users deploy with one command:
 *   npx cdk deploy --all -c createUserPool=true -c notifyFrom=invites@example.com
 *   npx cdk deploy --all -c jwtIssuer=https://... -c jwtAudience=... [-c jwtClientId=...] -c notifyFrom=invites@example.com
 * Outside us-east-1 a companion stack there holds the WAF web ACL (unless -c webAclArn=... names one).
 * cdk-nag's AwsSolutions pack checks every synth; see docs/deploy.md.
 */
import { App } from 'aws-cdk-lib';
import { defineServiceApp } from './service-app.ts';

defineServiceApp(new App(), { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION });
