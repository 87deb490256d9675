/** Fingerprints on a bio key: `fingerprints list | add | rename | delete` (ykman fido fingerprints). */
import { fromBase64Url, toBase64Url, type EnrollSample } from '../../index';
import { UsageError, need } from '../args';
import type { Session } from '../session';
import type { CliCommand } from './command';

const FEEDBACK: Record<string, string> = {
  good: 'Good.',
  'too-high': 'Finger too high.',
  'too-low': 'Finger too low.',
  'too-left': 'Finger too far left.',
  'too-right': 'Finger too far right.',
  'too-fast': 'Too fast.',
  'too-slow': 'Too slow.',
  'poor-quality': 'Poor quality sample.',
  'too-skewed': 'Finger at an angle.',
  'too-short': 'Too short a touch.',
  'merge-failure': 'Could not merge that sample.',
  exists: 'That finger is already registered.',
  'no-user-activity': 'No finger detected.',
  'no-user-presence-transition': 'Lift your finger before the next touch.',
};

export function sampleMessage(sample: EnrollSample, index: number): string {
  const total = sample.total ?? index + sample.remaining;
  const feedback = FEEDBACK[sample.feedback] ?? 'Sample not usable.';
  return sample.remaining === 0
    ? `${feedback} Fingerprint registered.`
    : `${feedback} Lift your finger and touch again (${Math.min(index, total)} of ${total}).`;
}

export const fingerprints: CliCommand = {
  name: 'fingerprints',
  usage: [
    'fingerprints list                     registered fingerprints (needs the PIN)',
    'fingerprints add [--name <name>]      register a finger: touch the sensor several times',
    'fingerprints rename <id> <name>',
    'fingerprints delete <id>',
  ],
  async run(s: Session, sub: string | undefined, arg: string | undefined) {
    const km = await s.key();
    if (sub === 'list') {
      const list = await km.fingerprints();
      s.print(
        () =>
          list.length === 0
            ? 'No fingerprints registered.'
            : list.map((f) => `${toBase64Url(f.templateId)}  ${f.name ?? ''}`.trimEnd()).join('\n'),
        list.map((f) => ({ id: toBase64Url(f.templateId), name: f.name })),
      );
      return;
    }
    if (sub === 'add') {
      let n = 0;
      const samples: EnrollSample[] = [];
      s.io.err('Touch the fingerprint sensor…');
      const id = await km.enrollFingerprint((sample) => {
        samples.push(sample);
        if (sample.feedback === 'good') n++;
        s.io.err(sampleMessage(sample, n));
      }, s.args.name);
      s.print(`Fingerprint ${toBase64Url(id)} registered.`, {
        id: toBase64Url(id),
        name: s.args.name,
        samples: samples.map((x) => x.feedback),
      });
      return;
    }
    if (sub === 'rename') {
      const id = fromBase64Url(need(arg, '<id>'));
      const name = need(s.args.positional[3], '<name>');
      await km.renameFingerprint(id, name);
      s.print('Fingerprint renamed.', { ok: true });
      return;
    }
    if (sub === 'delete') {
      await km.deleteFingerprint(fromBase64Url(need(arg, '<id>')));
      s.print('Fingerprint deleted.', { ok: true });
      return;
    }
    throw new UsageError('fingerprints list | add [--name <n>] | rename <id> <name> | delete <id>');
  },
};
