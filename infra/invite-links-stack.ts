/** The stack `cdk deploy` builds (infra/app.ts): the InviteLinks construct on its own, plus its outputs. */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { InviteLinks, type InviteLinksProps } from './invite-links.ts';

export interface InviteLinksStackProps extends StackProps, InviteLinksProps {
  /** The ARN of an SNS topic every alarm notifies: `alarmTopic` for a topic outside this app. */
  alarmTopicArn?: string;
}

export class InviteLinksStack extends Stack {
  readonly invites: InviteLinks;

  constructor(scope: Construct, id: string, props: InviteLinksStackProps) {
    super(scope, id, props);
    const { alarmTopicArn, ...inviteLinks } = props;
    // 'Default' adds nothing to logical IDs: the resources keep the IDs they had before the construct existed.
    this.invites = new InviteLinks(this, 'Default', {
      ...inviteLinks,
      ...(alarmTopicArn ? { alarmTopic: Topic.fromTopicArn(this, 'AlarmTopic', alarmTopicArn) } : {}),
    });
    const { apiUrl, webUrl, table, consumers, eventBus, userPool, webAclArn, api, health } = this.invites;

    new CfnOutput(this, 'ApiUrl', { value: apiUrl, description: 'Base URL of the v1 API: the pages\' origin, /v1/* going to the HTTP API' });
    new CfnOutput(this, 'ApiOriginUrl', { value: api.url, description: 'Where CloudFront sends /v1/*: the execute-api endpoint, which answers a direct call 401 or 403 from API Gateway' });
    new CfnOutput(this, 'WebUrl', { value: webUrl, description: 'The pages; invite links point here (PUBLIC_BASE_URL)' });
    if (webAclArn) new CfnOutput(this, 'WebAclArn', { value: webAclArn, description: 'The WAF web ACL (us-east-1) in front of the pages and the API' });
    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'The single DynamoDB table (retained on delete)' });
    for (const { consumer, deadLetters } of Object.values(consumers)) {
      new CfnOutput(this, consumer.deadLetters.output, { value: deadLetters.queueUrl, description: consumer.deadLetters.holds });
    }
    new CfnOutput(this, 'EventBusName', { value: eventBus.eventBusName, description: 'The bus the service\'s events go to (source invite-links)' });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards/dashboard/${health.dashboard.dashboardName}`,
      description: 'The service\'s health: API, functions, dead letters, stream readers, table throttles, alarms',
    });
    if (health.alarmTopic) new CfnOutput(this, 'AlarmTopicArn', { value: health.alarmTopic.topicArn, description: 'The SNS topic every alarm notifies' });
    if (userPool) {
      new CfnOutput(this, 'UserPoolId', { value: userPool.pool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: userPool.client.userPoolClientId });
      new CfnOutput(this, 'HostedUiUrl', { value: userPool.managedLoginUrl, description: 'Cognito managed login: sign-up and sign-in pages' });
    }
  }
}
