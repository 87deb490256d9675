/** Passkeys on the key: `creds list | delete | update`. */
import { fromBase64Url, toBase64Url } from '../../index';
import { UsageError, need } from '../args';
import type { Session } from '../session';
import type { CliCommand } from './command';

export const creds: CliCommand = {
  name: 'creds',
  usage: [
    'creds list                            passkeys on the key (needs the PIN)',
    'creds delete <credential id>          delete one (needs the PIN)',
    'creds update <credential id> [--user <name>] [--display-name <text>]',
  ],
  async run(s: Session, sub: string | undefined, arg: string | undefined) {
    if (sub === 'list') {
      const km = await s.key();
      const { metadata: meta, rps } = await km.credentials();
      s.print(
        () =>
          [
            `${meta.existingResidentCredentialsCount} passkey(s) stored, room for ${meta.maxPossibleRemainingResidentCredentialsCount} more.`,
            ...rps.flatMap((r) => [
              `${r.rp.id}${r.rp.name ? ` (${r.rp.name})` : ''}`,
              ...r.credentials.map(
                (c) =>
                  `  ${toBase64Url(c.credentialId.id)}  ${c.user.name ?? ''}${c.user.displayName ? ` — ${c.user.displayName}` : ''}`,
              ),
            ]),
          ].join('\n'),
        {
          ...meta,
          rps: rps.map((r) => ({
            rp: r.rp,
            credentials: r.credentials.map((c) => ({
              credentialId: toBase64Url(c.credentialId.id),
              user: {
                id: toBase64Url(c.user.id),
                name: c.user.name,
                displayName: c.user.displayName,
              },
              credProtect: c.credProtect,
            })),
          })),
        },
      );
      return;
    }
    if (sub === 'delete') {
      const id = fromBase64Url(need(arg, '<credential id>'));
      const km = await s.key();
      await km.deleteCredential(id);
      s.print('Credential deleted.', { ok: true });
      return;
    }
    if (sub === 'update') {
      const id = fromBase64Url(need(arg, '<credential id>'));
      if (s.args.user === undefined && s.args.displayName === undefined)
        throw new UsageError('creds update needs --user <name> and/or --display-name <text>');
      const km = await s.key();
      const { rps } = await km.credentials();
      const stored = rps
        .flatMap((r) => r.credentials)
        .find((c) => toBase64Url(c.credentialId.id) === toBase64Url(id));
      if (!stored) throw new UsageError('No passkey with that id on this key. See: creds list');
      await km.updateUser(id, {
        id: stored.user.id,
        name: s.args.user ?? stored.user.name,
        displayName: s.args.displayName ?? stored.user.displayName,
      });
      s.print('Credential updated.', { ok: true });
      return;
    }
    throw new UsageError(
      'creds list | creds delete <credential id> | creds update <credential id> --user <name>',
    );
  },
};
