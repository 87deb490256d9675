/** authenticatorConfig: `config min-pin-length | force-pin-change | always-uv | enterprise-attestation`. */
import { UsageError, need } from '../args';
import type { Session } from '../session';
import type { CliCommand } from './command';

export const config: CliCommand = {
  name: 'config',
  usage: [
    'config min-pin-length <n> [--rp <id>]...   (works before the first PIN is set, too)',
    'config force-pin-change',
    'config always-uv                      toggle alwaysUv',
    'config enterprise-attestation [--yes] turn on enterprise attestation (only a reset turns it off)',
  ],
  async run(s: Session, sub: string | undefined, arg: string | undefined) {
    const km = await s.key();
    if (km.info.options.authnrCfg !== true)
      throw new UsageError('This key does not support authenticatorConfig.');
    if (sub === 'min-pin-length') {
      const n = Number(need(arg, '<n>'));
      if (!Number.isInteger(n) || n < 4 || n > 63)
        throw new UsageError('min-pin-length takes a number from 4 to 63');
      const maxRps = km.info.maxRpIdsForSetMinPinLength ?? 0;
      if (s.args.rp.length > maxRps)
        throw new UsageError(
          `This key accepts at most ${maxRps} RP ID(s) for min-pin-length (--rp given ${s.args.rp.length} times).`,
        );
      await km.setMinPinLength(n, s.args.rp);
      s.print(`Minimum PIN length is now ${km.info.minPinLength}.`, {
        minPinLength: km.info.minPinLength,
      });
      return;
    }
    if (sub === 'force-pin-change') {
      await km.forcePinChange();
      s.print('The key will require a new PIN before its next use.', {
        forcePinChange: km.info.forcePinChange,
      });
      return;
    }
    if (sub === 'always-uv') {
      const on = await km.toggleAlwaysUv();
      s.print(`alwaysUv is now ${on ? 'on' : 'off'}.`, { alwaysUv: on });
      return;
    }
    if (sub === 'enterprise-attestation') {
      if (km.info.options.ep === undefined)
        throw new UsageError('This key does not support enterprise attestation.');
      if (!s.args.yes && s.io.pins.interactive) {
        const answer = await s.io.pins.read(
          'Enterprise attestation lets registered sites identify this exact key. Only a reset turns it off. Type "yes" to continue: ',
        );
        if (answer.trim().toLowerCase() !== 'yes') throw new UsageError('Not changed.');
      }
      await km.enableEnterpriseAttestation();
      s.print('Enterprise attestation is now enabled (only a reset turns it off).', {
        enterpriseAttestation: km.info.options.ep === true ? 'enabled' : 'disabled',
      });
      return;
    }
    throw new UsageError(
      'config min-pin-length <n> | force-pin-change | always-uv | enterprise-attestation',
    );
  },
};
