/**
 * The yardstick a function's cold start is judged against: a bare handler that imports the same
 * AWS SDK clients the function's bundle holds (and the same JSON payload, if it ships one) and,
 * when invoked, sends the DynamoDB and SES requests a real first invocation of that function
 * sent, recorded by the meter: same commands, same inputs, same order, parallel where the real
 * ones overlapped, and refused where the real ones were (a write whose condition failed on
 * purpose). Its DynamoDB requests go through the document client, as every function's do: the
 * same SDK marshals their inputs and decodes the items they return, as any handler that reads
 * items must before it can use them. It logs, counts and traces as a serious team's
 * bare handler does, the way every function here does: Powertools Logger, Metrics and Tracer made
 * at module scope, its clients traced, one metric flushed per invocation (what that costs: README,
 * Performance). Nothing else: no middy, no validation, no domain code.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { NAMESPACE, SERVICE_NAME } from '../shared/observability/names.ts';
import { inWaves, type RecordedCall } from './dynamodb-meter.ts';

/** The SDK packages the bench knows how to import bare, and the client each one makes. */
const SDK_CLIENTS = {
  '@aws-sdk/client-dynamodb': { client: 'DynamoDBClient', as: 'dynamodb' },
  '@aws-sdk/lib-dynamodb': { client: 'DynamoDBDocumentClient', as: 'documents' },
  '@aws-sdk/client-ses': { client: 'SESClient', as: 'ses' },
  '@aws-sdk/client-kms': { client: 'KMSClient', as: 'kms' },
} as const;

type SdkPackage = keyof typeof SDK_CLIENTS;

/** The package each recorded call's client comes from. */
const PACKAGE_OF: Record<RecordedCall['client'], SdkPackage> = { dynamodb: '@aws-sdk/client-dynamodb', ses: '@aws-sdk/client-ses', kms: '@aws-sdk/client-kms' };

/**
 * Each low-level DynamoDB command as the document client names it: the functions send theirs
 * through it (shared/store/dynamodb/client.ts), and the meter records them after its marshalling.
 */
const DOCUMENT_COMMANDS: Record<string, string> = {
  GetItemCommand: 'GetCommand',
  PutItemCommand: 'PutCommand',
  UpdateItemCommand: 'UpdateCommand',
  DeleteItemCommand: 'DeleteCommand',
  QueryCommand: 'QueryCommand',
  ScanCommand: 'ScanCommand',
  BatchGetItemCommand: 'BatchGetCommand',
  BatchWriteItemCommand: 'BatchWriteCommand',
  TransactGetItemsCommand: 'TransactGetCommand',
  TransactWriteItemsCommand: 'TransactWriteCommand',
};

type Marshalled = Record<string, AttributeValue>;
const native = (item: Marshalled | undefined) => (item === undefined ? undefined : unmarshall(item));
/** Key, Item, ExpressionAttributeValues and ExclusiveStartKey of one request (or one action of a transaction) as the document client takes them. */
function nativeParts(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...input };
  for (const part of ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey']) {
    if (input[part] !== undefined) out[part] = native(input[part] as Marshalled);
  }
  return out;
}

/** A recorded (marshalled) DynamoDB input as the document client takes it: the same request once it has marshalled it. */
function documentInput(command: string, input: Record<string, unknown>): Record<string, unknown> {
  switch (command) {
    case 'BatchGetItemCommand': {
      const requests = input.RequestItems as Record<string, { Keys: Marshalled[] }>;
      return { ...input, RequestItems: Object.fromEntries(Object.entries(requests).map(([table, r]) => [table, { ...r, Keys: r.Keys.map((key) => native(key)) }])) };
    }
    case 'BatchWriteItemCommand': {
      const requests = input.RequestItems as Record<string, { PutRequest?: { Item: Marshalled }; DeleteRequest?: { Key: Marshalled } }[]>;
      const write = (r: (typeof requests)[string][number]) =>
        r.PutRequest ? { PutRequest: { Item: native(r.PutRequest.Item) } } : { DeleteRequest: { Key: native(r.DeleteRequest!.Key) } };
      return { ...input, RequestItems: Object.fromEntries(Object.entries(requests).map(([table, rs]) => [table, rs.map(write)])) };
    }
    case 'TransactGetItemsCommand':
    case 'TransactWriteItemsCommand': {
      const actions = input.TransactItems as Record<string, Record<string, unknown>>[];
      return { ...input, TransactItems: actions.map((action) => Object.fromEntries(Object.entries(action).map(([kind, part]) => [kind, nativeParts(part)]))) };
    }
    default:
      return nativeParts(input);
  }
}

/** Bytes (a KMS plaintext or ciphertext, a binary attribute) and sets do not survive JSON: written tagged, made again by the bare handler. */
const bytesAsBase64 = (_: string, value: unknown) => {
  if (value instanceof Set) return { $set: [...value] };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  const buffer = value as { type?: unknown; data?: unknown };
  return buffer && buffer.type === 'Buffer' && Array.isArray(buffer.data) ? { $bytes: Buffer.from(buffer.data as number[]).toString('base64') } : value;
};

/** From an esbuild metafile's inputs: the SDK client packages bundled, and the repository's own JSON files. */
export function importsOf(inputs: string[]): { packages: SdkPackage[]; json: string[] } {
  const bundled = new Set(inputs.map((path) => /node_modules\/(@aws-sdk\/[^/]+)\//.exec(path)?.[1]).filter(Boolean));
  const unknown = [...bundled].filter((p) => /^@aws-sdk\/client-/.test(p!) && !(p! in SDK_CLIENTS));
  if (unknown.length > 0) throw new Error(`bench/bare-handler.ts does not know the SDK client(s) ${unknown.join(', ')}: add them to SDK_CLIENTS`);
  return {
    packages: (Object.keys(SDK_CLIENTS) as SdkPackage[]).filter((p) => bundled.has(p)),
    json: inputs.filter((path) => path.endsWith('.json') && !path.includes('node_modules/')),
  };
}

/** The bare handler's source: the imports, one client per package at module scope, the recorded calls in their waves. */
export function bareHandlerSource(imports: { packages: SdkPackage[]; json: string[] }, calls: RecordedCall[], repoRoot: string): string {
  const { packages, json } = imports;
  // DynamoDB requests go through the document client, under its command names, as the functions send them.
  const viaDocuments = (c: RecordedCall) => c.client === 'dynamodb';
  const commandOf = (c: RecordedCall) => (viaDocuments(c) ? DOCUMENT_COMMANDS[c.command] : c.command);
  const commands = new Map<string, Set<string>>();
  for (const call of calls) {
    const pkg = viaDocuments(call) ? '@aws-sdk/lib-dynamodb' : PACKAGE_OF[call.client];
    if (!packages.includes(pkg)) throw new Error(`a recorded ${call.command} needs ${pkg}, which the function's bundle does not hold`);
    if (!commandOf(call)) throw new Error(`bench/bare-handler.ts does not know the document client's name for ${call.command}: add it to DOCUMENT_COMMANDS`);
    commands.set(pkg, (commands.get(pkg) ?? new Set()).add(commandOf(call)!));
  }
  const lines = packages.map((pkg) => {
    const names = [SDK_CLIENTS[pkg].client, ...(commands.get(pkg) ?? [])];
    return `import { ${names.join(', ')} } from '${pkg}';`;
  });
  json.forEach((path, i) => lines.push(`import payload${i} from '${repoRoot}/${path}' with { type: 'json' };`));
  const service = JSON.stringify(SERVICE_NAME);
  lines.push(
    "import { Logger } from '@aws-lambda-powertools/logger';",
    "import { Metrics } from '@aws-lambda-powertools/metrics';",
    "import { Tracer } from '@aws-lambda-powertools/tracer';",
    `const logger = new Logger({ serviceName: ${service} });`,
    `const metrics = new Metrics({ namespace: ${JSON.stringify(NAMESPACE)}, serviceName: ${service} });`,
    `const tracer = new Tracer({ serviceName: ${service}, captureHTTPsRequests: false });`,
  );
  if (packages.includes('@aws-sdk/client-dynamodb')) lines.push('const dynamodb = tracer.captureAWSv3Client(new DynamoDBClient({}));');
  if (packages.includes('@aws-sdk/lib-dynamodb')) lines.push('export const documents = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });');
  if (packages.includes('@aws-sdk/client-ses')) lines.push('const ses = tracer.captureAWSv3Client(new SESClient({}));');
  if (packages.includes('@aws-sdk/client-kms')) lines.push('const kms = tracer.captureAWSv3Client(new KMSClient({}));');
  const waves = inWaves(calls).map((wave) =>
    wave.map((c) => ({ client: viaDocuments(c) ? 'documents' : c.client, command: commandOf(c), input: viaDocuments(c) ? documentInput(c.command, c.input) : c.input, refused: c.failed !== undefined })),
  );
  const tagged = "(_, v) => (v && typeof v.$bytes === 'string' ? Buffer.from(v.$bytes, 'base64') : v && Array.isArray(v.$set) ? new Set(v.$set) : v)";
  lines.push(
    `const commands = { ${[...new Set(calls.map(commandOf))].join(', ')} };`,
    `const clients = { ${[...new Set(waves.flat().map((c) => c.client))].join(', ')} };`,
    `const waves = JSON.parse(${JSON.stringify(JSON.stringify(waves, bytesAsBase64))}, ${tagged});`,
    'export const handler = async (event, context) => {',
    '  logger.addContext(context);',
    '  metrics.captureColdStartMetric(context.functionName);',
    '  metrics.addMetric("Requests", "Count", 1);',
    '  let failed = 0;',
    '  let decoded = 0;',
    '  for (const wave of waves) {',
    '    const sent = await Promise.allSettled(wave.map((c) => clients[c.client].send(new commands[c.command](c.input))));',
    '    failed += sent.filter((s, i) => (s.status === "rejected") !== wave[i].refused).length;',
    // The document client has decoded the items; the handler counts them, so they are used.
    '    for (const s of sent) {',
    '      const out = s.status === "fulfilled" ? s.value : {};',
    '      decoded += [out.Item, out.Attributes, ...(out.Items ?? []), ...Object.values(out.Responses ?? {}).flat()].filter(Boolean).length;',
    '    }',
    '  }',
    '  metrics.publishStoredMetrics();',
    `  return { statusCode: failed ? 500 : 200, body: JSON.stringify([decoded, ${json.map((_, i) => `payload${i}`).join(', ')}]) };`,
    '};',
  );
  return `${lines.join('\n')}\n`;
}
