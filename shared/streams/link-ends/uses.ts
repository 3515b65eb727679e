/**
 * The events feed's check of a link's uses, on the join records of links with a use limit (a record
 * carries its link's maxUses, so a link without one costs no read): once per link and batch, the
 * link's counters are read and its creator warned at 80 % and InviteLinkUsedUp written when the
 * last use is taken (shared/service/link-ends.ts), at the time of the batch's latest join.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import type { JoinRecord } from '../../domain/types.ts';
import { noteLinkUses, type LinkEndDeps } from '../../service/link-ends.ts';
import { logger } from '../../observability/logger.ts';
import { startPerLink } from '../per-link.ts';

type CappedJoin = JoinRecord & { linkId: string; linkMaxUses: number };
const isCapped = (join: JoinRecord): join is CappedJoin => join.linkMaxUses !== undefined && join.linkId !== undefined;

export function startUseChecks(records: readonly DynamoDBRecord[], deps: LinkEndDeps): Map<string | undefined, () => Promise<void>> {
  return startPerLink(records, isCapped, async (joins, log) => {
    const last = joins.map((j) => j.joinedAt).sort().at(-1)!;
    const noted = await noteLinkUses(deps, { linkId: log.linkId, domainId: log.domainId, maxUses: joins[0]!.linkMaxUses }, last);
    if (noted.length > 0) logger.info('link uses noted', { ...log, noted });
  });
}
