/** What create-domain made, and how the admin signs in, as the operator reads it. */
import type { Env } from './command-line.ts';
import type { Created } from './domain-and-admin.ts';

/** What was made, and how the admin signs in. */
export function report(created: Created, env: Env = process.env): string {
  const { directory, admin, identity, profile, target } = created;
  const { domain } = directory;
  const listed = (entries: { id: string; note?: string }[]) =>
    entries.length === 0 ? '(none)' : entries.map(({ id, note }) => (note ? `${id} (${note})` : id)).join(', ');
  const where = target.kind === 'local' ? `table ${target.table} on ${target.endpoint}` : `table ${target.table} in ${target.region}`;
  const identityLine = {
    created: target.kind === 'local' ? 'new identity at the local identity provider' : 'new user in the Cognito pool',
    existing: target.kind === 'local' ? 'existing identity at the local identity provider' : 'existing user in the Cognito pool',
    given: 'sub given with --admin-sub',
  }[identity];
  const lines = [
    `Created domain "${domain.name}" in ${where}.`,
    `  domain id     ${domain.domainId}`,
    `  teams         ${listed(directory.teams.map(({ id }) => ({ id, note: id === domain.defaultTeamId ? 'default' : undefined })))}`,
    `  role groups   ${listed(directory.roleGroups.map(({ id, permissions }) => ({ id, note: permissions.join(', ') })))}`,
    `  groups        ${listed(directory.groups)}`,
    `  admin         ${admin.email}: POWER, admin, in ${domain.defaultTeamId}`,
    `  admin userId  ${admin.userId} (${identityLine}; user profile ${profile === 'created' ? 'created' : 'already there, kept'})`,
    '',
  ];
  if (target.kind === 'local') {
    const base = `http://localhost:${env.PORT ?? 3000}`;
    lines.push(
      'Next: with `npm start` running,',
      `  sign in as ${admin.email} at ${base}/signin, or get a bearer token:`,
      `  npm run token -- ${admin.email}`,
    );
  } else if ('userPoolId' in target.identity) {
    lines.push(
      identity === 'created'
        ? `Next: Cognito has emailed ${admin.email} a temporary password; they sign in at <WebUrl>/signin (the stack's WebUrl output) and choose their own.`
        : `Next: ${admin.email} already had a Cognito account; they sign in as before at <WebUrl>/signin (the stack's WebUrl output).`,
    );
  } else {
    lines.push(`Next: ${admin.email} signs in at <WebUrl>/signin through your identity provider, with the account whose sub is ${admin.userId}.`);
  }
  return lines.join('\n');
}
