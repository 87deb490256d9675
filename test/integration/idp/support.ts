/** Shared set-up for the identity-provider tests: a test provider, a tenant, a group, a linked station. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStation, type Station } from '../../../main/station/index';
import { VirtualKey } from '../../../native/virtual-key/index';
import { GraphProvider, type SeededApp, type SeededTenant } from '../../support/graph-provider';
import type { Group } from '../../support/graph-provider/state';
import { TestClock } from '../../unit/station/helpers';

export const PIN = '482915';

export interface ProviderWorld {
  provider: GraphProvider;
  tenant: SeededTenant;
  app: SeededApp;
  groupId: string;
  group: Group;
  close(): Promise<void>;
}

/** A provider with one tenant, an app (secret, all Keystation permissions) and a group of `n`. */
export async function startWorld(
  n: number,
  opts: { methods?: boolean } = {},
): Promise<ProviderWorld> {
  const provider = await GraphProvider.start({ idleTimeoutMs: 120_000, hardTimeoutMs: 600_000 });
  const tenant = provider.addTenant();
  const app = tenant.addApp({ secret: true });
  const members = [];
  for (let i = 0; i < n; i++) {
    members.push(
      tenant.addUser({
        userPrincipalName: `user${i}@${tenant.domain}`,
        displayName: `User ${String(i).padStart(4, '0')}`,
        methods:
          opts.methods === false
            ? []
            : [
                { type: 'microsoftAuthenticator', displayName: `Phone ${i}` },
                { type: 'phone', phoneNumber: '+46 701234567', phoneType: 'mobile' },
                { type: 'email', emailAddress: `alt${i}@example.org` },
              ],
      }),
    );
  }
  const group = tenant.addGroup({ displayName: 'Keystation pilot', members });
  return {
    provider,
    tenant,
    app,
    groupId: group.id,
    group,
    close: () => provider.close(),
  };
}

export interface LinkedStation {
  station: Station;
  clock: TestClock;
  dir: string;
  key: VirtualKey;
  close(): void;
}

/** A fresh station linked to the world's tenant; sleeping advances its clock (nothing waits). */
export function linkedStation(w: ProviderWorld, dir?: string): LinkedStation {
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), 'ks-idp-'));
  const clock = new TestClock(Date.now());
  const station = openStation({
    dataDir,
    mode: 'demo',
    clock: clock.now,
    idp: {
      ca: w.provider.caPem,
      sleep: async (ms) => clock.advance(ms),
    },
  });
  if (!station.idp.isLinked())
    station.idp.saveConnection({
      tenantId: w.tenant.id,
      clientId: w.app.appId,
      credentialKind: 'secret',
      secret: w.app.secret,
      authorityHost: w.provider.authorityHost,
      graphHost: w.provider.graphUrl,
      groupId: w.groupId,
    });
  const key = new VirtualKey({ touch: 'auto' });
  return {
    station,
    clock,
    dir: dataDir,
    key,
    close() {
      station.close();
      if (!dir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The person's security key flow against the provider's options, through complete(). */
export async function enrollKey(s: LinkedStation, personId: number, name = 'Desk key') {
  const e = s.station.enroll.securityKey;
  const info = await e.begin(personId, s.key.connect());
  if (info.pinStep === 'set') await e.setPin(info.enrollmentId, PIN, PIN);
  else if (info.pinStep === 'verify') await e.verifyPin(info.enrollmentId, PIN);
  await e.register(info.enrollmentId);
  return e.complete(info.enrollmentId, { name });
}
