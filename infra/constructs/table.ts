/** The single table, built from shared/store/dynamodb/table.ts, the same definition the local stack uses. */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { TABLE } from '#shared/store/dynamodb/table.ts';

export function inviteLinksTable(scope: Construct, id: string): Table {
  const table = new Table(scope, id, {
    partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
    sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: TABLE.ttlAttribute,
    stream: StreamViewType[TABLE.streamView],
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    // The directory outlives the stack: deleting it is a deliberate act (docs/deploy.md).
    removalPolicy: RemovalPolicy.RETAIN,
  });
  table.addGlobalSecondaryIndex({
    indexName: TABLE.byDomainIndex.name,
    partitionKey: { name: TABLE.byDomainIndex.partitionKey, type: AttributeType.STRING },
    sortKey: { name: TABLE.byDomainIndex.sortKey, type: AttributeType.STRING },
    projectionType: ProjectionType.ALL,
  });
  return table;
}
