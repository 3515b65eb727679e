/**
 * The companion stack for an InviteLinks stack outside us-east-1: WAF creates a CloudFront web ACL
 * in us-east-1 only. infra/app.ts makes one when the main stack is elsewhere and hands its ARN
 * over with `crossRegionReferences`; your own app can pass `webAclArn` the same way.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { InviteLinksWebAcl, WEB_ACL_REGION } from './constructs/web-acl.ts';

export class InviteLinksEdgeStack extends Stack {
  readonly webAcl: InviteLinksWebAcl;
  /** For InviteLinks' `webAclArn`. */
  readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    // The region is not the caller's to choose.
    super(scope, id, { ...props, env: { ...props.env, region: WEB_ACL_REGION } });
    this.webAcl = new InviteLinksWebAcl(this, 'Rules');
    this.webAclArn = this.webAcl.arn;
    new CfnOutput(this, 'WebAclArn', { value: this.webAclArn, description: 'The CloudFront web ACL (us-east-1) in front of the pages and the API' });
  }
}
