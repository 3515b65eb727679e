/**
 * IAM's decision for one identity-based policy, as AWS's policy evaluation logic makes it: an
 * explicit Deny wins, then any Allow whose action, resource and conditions all match, else the
 * implicit deny. Actions match case-insensitively, resources case-sensitively, both with `*` and
 * `?`. Conditions: the string and ARN operators (with `IfExists`, `ForAllValues:`,
 * `ForAnyValue:`) and `Bool`, over the keys the request supplies.
 */
import type { Statement } from './roles.ts';

export interface AuthorizationRequest {
  /** `service:Action`, e.g. `dynamodb:PutItem`. */
  action: string;
  /** The resource ARN; several when AWS accepts a grant on any of them (an SES sender: its address or its domain). */
  resources: string[];
  /** Condition keys and their values, e.g. `ses:FromAddress`. */
  context?: Record<string, string | string[]>;
}

export type Decision =
  | { allowed: true; statement: number; resource: string }
  | { allowed: false; deniedBy?: number };

export function decide(statements: readonly Statement[], request: AuthorizationRequest): Decision {
  let allowed: Extract<Decision, { allowed: true }> | undefined;
  for (const resource of request.resources) {
    for (const [index, statement] of statements.entries()) {
      if (!applies(statement, request, resource)) continue;
      if (statement.effect === 'Deny') return { allowed: false, deniedBy: index };
      allowed ??= { allowed: true, statement: index, resource };
    }
  }
  return allowed ?? { allowed: false };
}

function applies(statement: Statement, request: AuthorizationRequest, resource: string): boolean {
  const action = statement.actions ? statement.actions.some((a) => wildcard(a, request.action, true)) : !statement.notActions!.some((a) => wildcard(a, request.action, true));
  if (!action) return false;
  const onResource = statement.resources
    ? statement.resources.some((r) => wildcard(r, resource, false))
    : statement.notResources
      ? !statement.notResources.some((r) => wildcard(r, resource, false))
      : false;
  return onResource && conditionsHold(statement.conditions ?? {}, request.context ?? {});
}

const patterns = new Map<string, RegExp>();
export function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = patterns.get(key);
  if (!regex) {
    regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, ignoreCase ? 'is' : 's');
    patterns.set(key, regex);
  }
  return regex.test(value);
}

function conditionsHold(conditions: Record<string, Record<string, string[]>>, context: Record<string, string | string[]>): boolean {
  return Object.entries(conditions).every(([rawOperator, keys]) => {
    const [set, operatorWithIfExists] = rawOperator.includes(':') ? (rawOperator.split(':') as [string, string]) : [undefined, rawOperator];
    const ifExists = operatorWithIfExists.endsWith('IfExists');
    const operator = ifExists ? operatorWithIfExists.slice(0, -'IfExists'.length) : operatorWithIfExists;
    const compare = COMPARE[operator];
    if (!compare) throw new Error(`IAM emulation: condition operator ${rawOperator} is not emulated`);
    const negated = operator.includes('Not');
    return Object.entries(keys).every(([key, expected]) => {
      const present = context[key];
      if (present === undefined) {
        if (set === 'ForAllValues') return true;
        if (set === 'ForAnyValue') return false;
        return ifExists || negated;
      }
      const values = [present].flat();
      const matches = (value: string) => expected.some((e) => compare(e, value));
      if (set === 'ForAllValues') return values.every((v) => (negated ? !matches(v) : matches(v)));
      if (set === 'ForAnyValue') return values.some((v) => (negated ? !matches(v) : matches(v)));
      // A single-valued key: negated operators hold when no expected value matches.
      return negated ? !values.some(matches) : values.some(matches);
    });
  });
}

/** Whether the policy's value matches the request's (negated operators use the positive comparison; conditionsHold inverts). */
const COMPARE: Record<string, (expected: string, actual: string) => boolean> = {
  StringEquals: (e, a) => e === a,
  StringNotEquals: (e, a) => e === a,
  StringEqualsIgnoreCase: (e, a) => e.toLowerCase() === a.toLowerCase(),
  StringNotEqualsIgnoreCase: (e, a) => e.toLowerCase() === a.toLowerCase(),
  StringLike: (e, a) => wildcard(e, a, false),
  StringNotLike: (e, a) => wildcard(e, a, false),
  ArnEquals: (e, a) => wildcard(e, a, false),
  ArnLike: (e, a) => wildcard(e, a, false),
  ArnNotEquals: (e, a) => wildcard(e, a, false),
  ArnNotLike: (e, a) => wildcard(e, a, false),
  Bool: (e, a) => e.toLowerCase() === a.toLowerCase(),
};
