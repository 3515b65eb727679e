/**
 * Turning the IAM emulation on for a local stack: the roles of the synthesized app, resolved to
 * this stack's table, stream and bus, enforced on every client the functions use. On unless
 * IAM_EMULATION=off (docs/iam-emulation.md).
 */
import { emulateIam, iamEmulation, NO_IAM, type Authorization, type IamEmulation } from './emulation.ts';
import { functionClients } from './function-clients.ts';
import { localRoles, synthesizedRoles, type LocalResources, type SynthesizedRoles } from './roles.ts';

export interface IamSetting {
  /** Roles already synthesized (the tests do it once per run); read from the synth cache otherwise. */
  roles?: SynthesizedRoles;
  onAuthorization?: (authorization: Authorization) => void;
}

export const IAM_EMULATION_ON = readSetting(process.env.IAM_EMULATION);

/** Starts the synth early (it takes a few seconds the first time); `enforce` applies it once the stack's resources exist. */
export function prepareIam(setting: false | IamSetting | undefined, notifyFrom: string) {
  const on = setting !== false && IAM_EMULATION_ON;
  const roles = on ? (setting?.roles ? Promise.resolve(setting.roles) : synthesizedRoles(notifyFrom)) : undefined;
  // Awaited in enforce; a failure before then must not be an unhandled rejection.
  roles?.catch(() => {});
  return {
    async enforce(local: LocalResources): Promise<IamEmulation> {
      if (!roles) return NO_IAM;
      for (const client of await functionClients()) emulateIam(client);
      return iamEmulation({ roles: localRoles(await roles, local), ...(setting && setting.onAuthorization ? { onAuthorization: setting.onAuthorization } : {}) });
    },
  };
}

function readSetting(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new Error(`IAM_EMULATION must be "on" or "off", got "${value}"`);
}
