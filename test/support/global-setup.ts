/** Starts the real local services once per test run: DynamoDB Local (in memory) and local SES. */
import type { TestProject } from 'vitest/node';
import { freePort, startDynamoDbLocal, startSesLocal } from '../../local/services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    sesEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const [dynamo, ses] = await Promise.all([freePort().then((p) => startDynamoDbLocal(p)), freePort().then((p) => startSesLocal(p))]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('sesEndpoint', ses.endpoint);
  return async () => {
    await Promise.all([dynamo.stop(), ses.stop()]);
  };
}
