/** Settings that would deploy nothing usable, or cannot be read: exit 2, nothing has run. */
export class SettingsRefused extends Error {
  override name = 'SettingsRefused';
}
