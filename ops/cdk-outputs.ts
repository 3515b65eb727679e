/**
 * The file `cdk deploy --outputs-file` writes: `{ "<StackName>": { "<OutputName>": "<value>" } }`.
 * The deploy command reads the table and pool from it; the smoke checks read the URLs.
 */
import { readFile } from 'node:fs/promises';

export type StackOutputs = Record<string, string>;
export type CdkOutputs = Record<string, StackOutputs>;

/** The outputs file is missing, unreadable, or does not name the stack asked for. */
export class OutputsUnusable extends Error {
  override name = 'OutputsUnusable';
}

export async function readCdkOutputs(file: string): Promise<CdkOutputs> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new OutputsUnusable(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OutputsUnusable(`${file} is not JSON (it should be what \`cdk deploy --outputs-file\` wrote)`);
  }
  if (!isRecord(parsed) || !Object.values(parsed).every(isRecord)) {
    throw new OutputsUnusable(`${file} is not a CDK outputs file: expected { "<StackName>": { "<OutputName>": "<value>" } }`);
  }
  return Object.fromEntries(
    Object.entries(parsed).map(([stack, outputs]) => [stack, Object.fromEntries(Object.entries(outputs as object).map(([k, v]) => [k, String(v)]))]),
  );
}

/**
 * The service stack's outputs: the named one, or else the one stack that has a `WebUrl` (the
 * companion web ACL stack has none), so a file holding both is read without naming either.
 */
export function serviceStackOutputs(outputs: CdkOutputs, file: string, stackName?: string): { stackName: string; outputs: StackOutputs } {
  if (stackName !== undefined) {
    const named = outputs[stackName];
    if (!named) throw new OutputsUnusable(`${file} has no stack ${stackName} (it has: ${Object.keys(outputs).join(', ') || 'none'})`);
    return { stackName, outputs: named };
  }
  const services = Object.entries(outputs).filter(([, o]) => o.WebUrl !== undefined);
  if (services.length === 1) return { stackName: services[0]![0], outputs: services[0]![1] };
  if (services.length === 0) throw new OutputsUnusable(`${file} has no stack with a WebUrl output: did the deploy finish?`);
  throw new OutputsUnusable(`${file} has several service stacks (${services.map(([name]) => name).join(', ')}): name one with --stack`);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
