/**
 * Invite links that mail and chat tools mangled still reach the join page in AWS: CloudFront's
 * viewer-request function on the pages serves join.html for `/join%23<token>` (a `#` sent as
 * `%23`, or `%2523` when encoded twice), so S3 never answers 403 for a key that does not exist,
 * and the token-bearing path never reaches S3.
 */
import { runInNewContext } from 'node:vm';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesize, type Synthesized } from './synth.ts';

const TOKEN = 'Abc_def-0123456789Abc_def-0123456789Abc_de0';

let s: Synthesized;
let rewrite: (uri: string) => string;
let functionId: string;

beforeAll(() => {
  s = synthesize({}, { bundle: false });
  const functions = Object.entries(s.template.findResources('AWS::CloudFront::Function'));
  const found = functions.find(([, f]) => {
    const code = String(f.Properties.FunctionCode);
    return code.includes('join.html') && !code.includes('ROUTES');
  });
  if (!found) throw new Error('no page rewrite function in the template');
  functionId = found[0];
  const handler = runInNewContext(`${found[1].Properties.FunctionCode}; handler`) as (e: { request: { uri: string } }) => { uri: string };
  rewrite = (uri) => handler({ request: { uri } }).uri;
});

describe('the pages distribution, for invite links mangled on the way', () => {
  it('serves join.html for a link whose # arrived as %23, whatever follows the token', () => {
    for (const uri of [`/join%23${TOKEN}`, `/join%23${TOKEN}.`, `/join%23${TOKEN})`, `/join%23${TOKEN}%20`, `/JOIN%23${TOKEN}`, `/join.html%23${TOKEN}`]) {
      expect(rewrite(uri), uri).toBe('/join.html');
    }
  });

  it('serves join.html when the % was encoded again (%2523) or the # arrived as is', () => {
    expect(rewrite(`/join%2523${TOKEN}`)).toBe('/join.html');
    expect(rewrite(`/join#${TOKEN}`)).toBe('/join.html');
  });

  it('keeps clean page URLs and files as they were', () => {
    expect(rewrite('/join')).toBe('/join.html');
    expect(rewrite('/home')).toBe('/home.html');
    expect(rewrite('/users')).toBe('/users.html');
    expect(rewrite('/assets/join.js')).toBe('/assets/join.js');
    expect(rewrite('/')).toBe('/');
    expect(rewrite('/joiners')).toBe('/joiners.html');
  });

  it('runs on every viewer request of the pages (the default behaviour)', () => {
    s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } }],
        }),
      }),
    });
  });

  it('keeps no standard access logs, where the token in such a path would be written', () => {
    const [distribution] = Object.values(s.template.findResources('AWS::CloudFront::Distribution'));
    expect(distribution!.Properties.DistributionConfig.Logging).toBeUndefined();
  });
});
