/**
 * `npm run lint:cfn`: cfn-lint over every shape of the app's templates (infra/template-variants.ts:
 * two regions, each with the operator's identity provider and with the stack's user pool), each
 * synthesized in-process into its own folder under cdk.out/lint/. cfn-lint is a Python tool the
 * project does not install: where it is missing this says so and exits 0, and nothing else needs it.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';

/** What cfn-lint reports that is left as it is, and why. */
const IGNORED_FINDINGS: Record<string, string> = {
  W3005: 'CDK makes each function depend on its role and the role\'s policy; the role is also referenced, so the DependsOn is redundant but harmless, and it is CDK\'s to write.',
};

const CFN_LINT = 'cfn-lint';
/** A stack's template lints in its own region; the web ACL's stack is always in us-east-1. */
const EDGE_REGION = 'us-east-1';

const installed = spawnSync(CFN_LINT, ['--version'], { encoding: 'utf8' });
if (installed.error || installed.status !== 0) {
  console.log(`cfn-lint is not installed here, so the templates were not linted (pip install cfn-lint, then npm run lint:cfn). Nothing else needs it.`);
  process.exit(0);
}

// Loaded only now: synthesizing is what takes time, and it is not needed to say cfn-lint is missing.
const { synthesizeVariant, TEMPLATE_VARIANTS } = await import('../template-variants.ts');
const out = join(import.meta.dirname, '..', '..', 'cdk.out', 'lint');
rmSync(out, { recursive: true, force: true });
console.log(`${installed.stdout.trim()}; ignoring ${Object.keys(IGNORED_FINDINGS).join(', ')} (infra/cli/lint-templates.ts says why)`);

let failed = 0;
for (const variant of TEMPLATE_VARIANTS) {
  for (const template of synthesizeVariant(variant, join(out, variant.name))) {
    const region = basename(template).startsWith('InviteLinksEdge') ? EDGE_REGION : variant.region;
    const lint = spawnSync(CFN_LINT, ['--regions', region, '--ignore-checks', ...Object.keys(IGNORED_FINDINGS), '--', template], { encoding: 'utf8' });
    const name = `${variant.name}/${basename(template)}`;
    // cfn-lint's exit code is a bit field: 2 errors, 4 warnings, 8 informational findings.
    const findings = lint.status ?? 1;
    if ((findings & ~8) === 0) {
      console.log(`ok    ${name}${findings & 8 ? ' (informational findings below)' : ''}`);
      if (findings & 8) console.log(lint.stdout.trim());
    } else {
      failed++;
      console.log(`FAIL  ${name}\n${lint.stdout.trim()}${lint.stderr.trim() ? `\n${lint.stderr.trim()}` : ''}`);
    }
  }
}
console.log(failed === 0 ? `every template lints clean (in ${out})` : `${failed} template(s) with findings (in ${out})`);
process.exit(failed === 0 ? 0 : 1);
