/**
 * The notifier as its unit tests call it: its settings set, then its handler imported, with SES and
 * DynamoDB mocked (aws-sdk-client-mock), so each file sees only the calls it makes.
 */
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';

export async function notifierUnderTest(env: Record<string, string> = {}) {
  Object.assign(process.env, {
    TABLE_NAME: 'unit-table',
    NOTIFY_FROM: 'notifier@example.test',
    PUBLIC_BASE_URL: 'https://links.example.test/',
    INVITE_LINK_KEY_ARN: 'arn:aws:kms:us-east-1:000000000000:key/unit',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'unit',
    AWS_SECRET_ACCESS_KEY: 'unit',
    ...env,
  });
  const { handler } = await import('../../functions/notify-signup.ts');
  return { handler, ses: mockClient(SESClient), ddb: mockClient(DynamoDBDocumentClient) };
}
