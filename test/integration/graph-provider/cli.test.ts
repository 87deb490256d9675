/**
 * The provider in its own process (for e2e / browser-mode tests): it prints its URLs, CA file
 * and the demo app's credentials as one JSON line, serves a client that trusts the CA file,
 * and stops on SIGTERM (or by itself at --timeout).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { tokenRequest } from '../../support/graph-provider/client';
import { graph } from './support';

describe('cli', () => {
  it('starts seeded, answers, and stops', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/support/graph-provider/cli.ts',
        '--people',
        '7',
        '--timeout',
        '120',
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
      const info = JSON.parse(line) as {
        authorityHost: string;
        graphUrl: string;
        caFile: string;
        authority: string;
        clientId: string;
        clientSecret: string;
        groupId: string;
      };
      const ca = readFileSync(info.caFile, 'utf8');
      const tok = await tokenRequest(ca, `${info.authority}/oauth2/v2.0/token`, {
        grant_type: 'client_credentials',
        client_id: info.clientId,
        client_secret: info.clientSecret,
        scope: `${info.graphUrl}/.default`,
      });
      expect(tok.status).toBe(200);
      const provider = { graphUrl: info.graphUrl, caPem: ca } as never;
      const r = await graph(
        provider,
        (tok.json as { access_token: string }).access_token,
        'GET',
        `/v1.0/groups/${info.groupId}/transitiveMembers/microsoft.graph.user`,
      );
      expect((r.json as { value: unknown[] }).value).toHaveLength(7);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
