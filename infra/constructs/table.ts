/** The single table, built from shared/store/dynamodb/table.ts, the same definition the local stack uses. */
import { CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { TABLE } from '#shared/store/dynamodb/table.ts';

/** `removalPolicy` defaults to RETAIN; the table is deletion-protected unless it is DESTROY. */
export function inviteLinksTable(scope: Construct, id: string, removalPolicy: RemovalPolicy = RemovalPolicy.RETAIN): Table {
  const table = new Table(scope, id, {
    partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
    sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: TABLE.ttlAttribute,
    stream: StreamViewType[TABLE.streamView],
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: removalPolicy !== RemovalPolicy.DESTROY,
    // The directory outlives the stack unless told otherwise: deleting it is a deliberate act (docs/deploy.md).
    removalPolicy,
  });
  table.addGlobalSecondaryIndex({
    indexName: TABLE.byDomainIndex.name,
    partitionKey: { name: TABLE.byDomainIndex.partitionKey, type: AttributeType.STRING },
    sortKey: { name: TABLE.byDomainIndex.sortKey, type: AttributeType.STRING },
    projectionType: ProjectionType.ALL,
  });
  return table;
}

type KeySchema = { attributeName: string; keyType: 'HASH' | 'RANGE' }[];
interface TableShape {
  keySchema?: KeySchema;
  globalSecondaryIndexes?: { indexName: string; keySchema: KeySchema; projection?: { projectionType?: string } }[];
  streamSpecification?: { streamViewType?: string };
  timeToLiveSpecification?: { attributeName?: string; enabled?: boolean };
}

/**
 * What synth can see is wrong with a table someone gives the service: its keys, the by-domain
 * index and the stream's view. Only a table defined in this app (Table or TableV2) can be read;
 * an imported one is taken on trust, docs/deploy.md says what it must have.
 */
export function tableProblems(table: ITable): { errors: string[]; warnings: string[] } {
  const cfn = table.node.defaultChild;
  if (!CfnResource.isCfnResource(cfn) || !['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'].includes(cfn.cfnResourceType)) {
    return { errors: [], warnings: [] };
  }
  const raw = cfn as unknown as TableShape;
  const shape = Stack.of(cfn).resolve({
    keySchema: raw.keySchema,
    globalSecondaryIndexes: raw.globalSecondaryIndexes,
    streamSpecification: raw.streamSpecification,
    timeToLiveSpecification: raw.timeToLiveSpecification,
  }) as TableShape;
  const keys = (schema: KeySchema | undefined) => Object.fromEntries((schema ?? []).map((k) => [k.keyType, k.attributeName]));
  const errors: string[] = [];

  const primary = keys(shape.keySchema);
  if (primary.HASH !== TABLE.partitionKey || primary.RANGE !== TABLE.sortKey) {
    errors.push(`its key must be ${TABLE.partitionKey} (partition) and ${TABLE.sortKey} (sort), both strings`);
  }
  const { name, partitionKey, sortKey } = TABLE.byDomainIndex;
  const index = shape.globalSecondaryIndexes?.find((i) => i.indexName === name);
  const indexKeys = keys(index?.keySchema);
  if (indexKeys.HASH !== partitionKey || indexKeys.RANGE !== sortKey || index?.projection?.projectionType !== ProjectionType.ALL) {
    errors.push(`it needs the global secondary index ${name}, keyed ${partitionKey} (partition) and ${sortKey} (sort), projecting ALL`);
  }
  const view = shape.streamSpecification?.streamViewType;
  if (view !== StreamViewType.NEW_IMAGE && view !== StreamViewType.NEW_AND_OLD_IMAGES) {
    errors.push(`its stream must carry new images (NEW_IMAGE or NEW_AND_OLD_IMAGES), not ${view ?? 'none'}`);
  }

  const ttl = shape.timeToLiveSpecification;
  const warnings = ttl?.attributeName === TABLE.ttlAttribute && ttl.enabled !== false
    ? []
    : [`TTL is not on "${TABLE.ttlAttribute}": expired links, join records and claims will never be deleted`];
  return { errors, warnings };
}
