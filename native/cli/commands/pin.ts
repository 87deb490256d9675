/** The key's PIN: `retries`, `set-pin`, `change-pin`. */
import { UsageError } from '../args';
import type { Session } from '../session';
import type { CliCommand } from './command';

export const retries: CliCommand = {
  name: 'retries',
  usage: ['retries                               PIN (and fingerprint) attempts left'],
  async run(s: Session) {
    const km = await s.key();
    if (km.info.options.clientPin !== true)
      throw new UsageError('No PIN is set on this key. Run: keystation-key set-pin');
    const r = await km.pinRetries();
    s.print(
      `PIN retries left: ${r.retries}${r.powerCycleRequired ? ' (re-insert the key before the next try)' : ''}`,
      r,
    );
  },
};

export const setPin: CliCommand = {
  name: 'set-pin',
  usage: ["set-pin                               set the first PIN (under the key's own rules)"],
  async run(s: Session) {
    const km = await s.key();
    if (km.info.options.clientPin === true)
      throw new UsageError('A PIN is already set. Use change-pin.');
    await km.setPin(await s.newPin(km, 'New PIN: '));
    s.print('PIN set.', { ok: true });
  },
};

export const changePin: CliCommand = {
  name: 'change-pin',
  usage: ['change-pin                            change the PIN'],
  async run(s: Session) {
    const km = await s.key();
    const current = await s.pin('Current PIN: ');
    await km.changePin(current, await s.newPin(km, 'New PIN: '));
    s.print('PIN changed.', { ok: true });
  },
};
