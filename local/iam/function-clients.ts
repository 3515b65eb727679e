/**
 * Every AWS SDK client the functions' code creates, once per cold start: the IAM emulation watches
 * each of them. test/unit/iam-emulation.test.ts holds this list to the code, so a new client
 * cannot slip past it. Imported once the stack's environment is set, as a cold start would.
 */
export async function functionClients() {
  const [{ dynamoDb }, { ses }, { eventBridge }, { kms }] = await Promise.all([
    import('#shared/store/dynamodb/client.ts'),
    import('#shared/streams/notifier/mailer.ts'),
    import('#shared/streams/events-feed/feed.ts'),
    import('#shared/store/kms/client.ts'),
  ]);
  return [dynamoDb, ses, eventBridge, kms];
}
