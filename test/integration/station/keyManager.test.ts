/**
 * The key manager (docs/KEYS.md "Key manager") against virtual keys of each profile: the same
 * native KeyManager as the CLI, under the station's PIN policy and the key's own rules, with
 * credentials matched to the registry, fingerprints, "touch the key you want" and the guided
 * reset. Touches are given when the key asks for one (its keepalive), never after a sleep.
 */
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualKey } from '../../../native/virtual-key/index';
import type { KeyProfileName } from '../../../native/virtual-key/profiles';
import type { KeyPresenceChange } from '../../../main/station/devices';
import { SecurityKeyManager, type KeyManagerProgress } from '../../../main/station/keyManager';
import { addPerson, makeStation, type TestStation } from '../../unit/station/helpers';

const PIN = '482915';

/** Virtual keys standing in for KeyDevices: plugged in, removed, touched when they ask. */
class TestKeys {
  readonly keys = new Map<string, VirtualKey>();
  private readonly events = new EventEmitter();

  add(
    deviceId: string,
    profile: KeyProfileName = 'ctap21',
    touch: 'auto' | 'manual' = 'auto',
    opts: { wink?: boolean } = {},
  ) {
    const key = new VirtualKey({ profile, touch, resetWindowMs: 10_000, ...opts });
    this.keys.set(deviceId, key);
    key.on('plugged', () => this.events.emit('change', { type: 'inserted', deviceId }));
    key.on('unplugged', () => this.events.emit('change', { type: 'removed', deviceId }));
    return key;
  }
  list() {
    return [...this.keys]
      .filter(([, k]) => k.isPluggedIn)
      .map(([deviceId]) => ({ deviceId, virtual: true }));
  }
  target(deviceId: string) {
    const key = this.keys.get(deviceId);
    if (!key) throw new Error('no such key');
    return key.connect();
  }
  onPresence(listener: (c: KeyPresenceChange) => void) {
    this.events.on('change', listener);
    return () => void this.events.off('change', listener);
  }
  close() {
    for (const k of this.keys.values()) k.unplug();
  }
}

describe('the key manager against virtual keys', () => {
  let t: TestStation;
  let keys: TestKeys;
  let manager: SecurityKeyManager;
  beforeEach(() => {
    t = makeStation({ mode: 'demo' });
    keys = new TestKeys();
    manager = new SecurityKeyManager(t.station, keys);
  });
  afterEach(() => {
    keys.close();
    t.close();
  });

  async function enrollPerson(deviceId: string, pin = PIN): Promise<number> {
    const p = addPerson(t.station);
    const s = t.station.enroll.securityKey;
    const info = await s.begin(p, keys.target(deviceId));
    if (info.pinStep === 'set') await s.setPin(info.enrollmentId, pin, pin);
    else await s.verifyPin(info.enrollmentId, pin);
    await s.register(info.enrollmentId);
    await s.complete(info.enrollmentId, { name: 'Desk key' });
    return p;
  }

  it('ctap21: labels, info, PIN under both rule sets, credentials marked with their owner, delete, config', async () => {
    keys.add('k1');
    const [choice] = await manager.keys();
    expect(choice).toMatchObject({
      deviceId: 'k1',
      index: 1,
      model: 'Keystation Virtual Key',
      problem: null,
    });
    expect(choice.firmware).toMatch(/^0x/);
    let o = await manager.overview('k1');
    expect(o).toMatchObject({ pin: 'not-set', credentialManagement: 'ctap21', alwaysUv: false });
    // The station's rules first (the demo policy wants 6 digits, no trivial PIN)…
    await expect(manager.setPin('k1', '4829', '4829')).rejects.toMatchObject({
      code: 'pin.tooShort',
    });
    await expect(manager.setPin('k1', '123456', '123456')).rejects.toMatchObject({
      code: 'pin.trivial',
    });
    await expect(manager.setPin('k1', PIN, '482916')).rejects.toMatchObject({
      code: 'pin.mismatch',
    });
    expect(keys.keys.get('k1')!.exportState().pin).toBeUndefined();
    await manager.setPin('k1', PIN, PIN);
    o = await manager.overview('k1');
    expect(o).toMatchObject({ pin: 'set', pinRetries: 8 });

    const personId = await enrollPerson('k1');
    const person = t.station.people.get(personId);
    await expect(manager.credentials('k1', undefined)).rejects.toMatchObject({
      code: 'securityKey.pinRequired',
    });
    await expect(manager.credentials('k1', '000000')).rejects.toMatchObject({
      code: 'securityKey.wrongPin',
    });
    const creds = await manager.credentials('k1', PIN);
    expect(creds).toHaveLength(1);
    expect(creds[0]).toMatchObject({
      rpId: 'demo.keystation.local',
      userName: person.upn,
      owner: { personId, displayName: person.displayName, methodLabel: 'Desk key' },
    });
    await manager.updateUser('k1', PIN, creds[0].credentialId, creds[0].userId, {
      name: person.upn,
      displayName: 'Renamed on key',
    });
    expect((await manager.credentials('k1', PIN))[0].userDisplayName).toBe('Renamed on key');
    await manager.deleteCredential('k1', PIN, creds[0].credentialId);
    expect(await manager.credentials('k1', PIN)).toEqual([]);

    await expect(
      manager.configure('k1', PIN, {
        kind: 'minPinLength',
        length: 8,
        rpIds: ['a.example', 'b.example', 'c.example', 'd.example', 'e.example'],
      }),
    ).rejects.toMatchObject({ code: 'securityKey.tooManyRpIds', params: { max: 4 } });
    await manager.configure('k1', PIN, { kind: 'alwaysUv' });
    await manager.configure('k1', PIN, { kind: 'forcePinChange' });
    o = await manager.overview('k1');
    expect(o).toMatchObject({ alwaysUv: true, forcePinChange: true });
    await manager.changePin('k1', PIN, '48291573', '48291573');
    expect((await manager.overview('k1')).forcePinChange).toBe(false);
    await manager.configure('k1', '48291573', {
      kind: 'minPinLength',
      length: 8,
      rpIds: ['a.example'],
    });
    expect((await manager.overview('k1')).minPinLength).toBe(8);
    // The key's minimum now applies to a new PIN as well as the station's.
    await expect(manager.changePin('k1', '48291573', '4829157', '4829157')).rejects.toMatchObject({
      code: 'pin.tooShort',
      params: { min: 8 },
    });
    const audit = t.station.audit.list().filter((e) => e.action === 'securityKey.managed');
    expect(audit.map((e) => e.details.operation)).toContain('pinChanged');
    expect(JSON.stringify(audit)).not.toContain(PIN);
  });

  it("fips: a PIN the station accepts but the key refuses names the key's own rules", async () => {
    keys.add('k1', 'fips');
    const o = await manager.overview('k1');
    expect(o).toMatchObject({ minPinLength: 8, maxPinLength: 32, pinComplexityPolicy: true });
    await expect(manager.setPin('k1', '4829157', '4829157')).rejects.toMatchObject({
      code: 'pin.tooShort',
      params: { min: 8 },
    });
    await expect(manager.setPin('k1', '11223344', '11223344')).rejects.toMatchObject({
      code: 'securityKey.keyPinRules',
      params: { min: 8, max: 32, complexity: true },
    });
    await manager.setPin('k1', '48291573', '48291573');
    expect((await manager.overview('k1')).pin).toBe('set');
  });

  it('ctap20: no credential list (only a reset removes them); u2f: named, not "not found"', async () => {
    keys.add('k20', 'ctap20');
    keys.add('ku', 'u2f');
    await manager.setPin('k20', PIN, PIN);
    await expect(manager.credentials('k20', PIN)).rejects.toMatchObject({
      code: 'securityKey.notSupportedByKey',
      params: { capability: 'credential-management' },
    });
    const list = await manager.keys();
    expect(list.map((k) => [k.index, k.problem])).toEqual([
      [1, null],
      [2, 'u2f-only'],
    ]);
    await expect(manager.overview('ku')).rejects.toMatchObject({
      name: 'TransportError',
      code: 'u2f-only',
    });
  });

  it('bio: enrolls a fingerprint sample by sample ("lift and touch again"), lists, renames, deletes', async () => {
    const key = keys.add('kb', 'bio');
    await manager.setPin('kb', PIN, PIN);
    const progress: KeyManagerProgress[] = [];
    // One poor sample among the good ones: the key says so and asks again.
    let samples = 0;
    key.setTouchMode('manual');
    key.on('upneeded', () => {
      samples += 1;
      queueMicrotask(() => key.presentFinger(samples === 2 ? 'bad' : 'good'));
    });
    const fp = await manager.enrollFingerprint('kb', PIN, 'Right thumb', {
      onProgress: (p) => progress.push(p),
    });
    const sampleSteps = progress.filter((p) => p.step === 'sample');
    expect(sampleSteps.length).toBeGreaterThanOrEqual(2);
    expect(sampleSteps.some((p) => p.step === 'sample' && p.feedback !== 'good')).toBe(true);
    const last = sampleSteps[sampleSteps.length - 1];
    expect(last).toMatchObject({ step: 'sample', feedback: 'good' });
    if (last.step === 'sample') expect(last.done).toBe(last.total);
    expect(await manager.fingerprints('kb', PIN)).toEqual([
      { templateId: fp.templateId, name: 'Right thumb' },
    ]);
    await manager.renameFingerprint('kb', PIN, fp.templateId, 'Left thumb');
    expect((await manager.fingerprints('kb', PIN))[0].name).toBe('Left thumb');
    await manager.deleteFingerprint('kb', PIN, fp.templateId);
    expect(await manager.fingerprints('kb', PIN)).toEqual([]);
    await expect(manager.fingerprints('k-none', PIN)).rejects.toThrow();
  });

  it('two keys: "touch the key you want" returns the touched one, the other is cancelled', async () => {
    const a = keys.add('a', 'ctap21', 'manual');
    const b = keys.add('b', 'ctap20', 'manual');
    const waiting = new Set<string>();
    const bothWaiting = new Promise<void>((resolve) => {
      for (const [id, k] of [
        ['a', a],
        ['b', b],
      ] as const)
        k.on('upneeded', () => {
          waiting.add(id);
          if (waiting.size === 2) resolve();
        });
    });
    let winked = 0;
    a.on('wink', () => winked++);
    b.on('wink', () => winked++);
    const chosen = manager.choose([]);
    await bothWaiting;
    // each key blinked once before it waited for the touch
    expect(winked).toBe(2);
    expect(b.touch()).toBe(true);
    await expect(chosen).resolves.toBe('b');
    await expect.poll(() => a.waitingForTouch).toBe(false);
  });

  it('wink: "Blink the key" where the key can; a key without the capability is told, and still chosen by touch', async () => {
    const a = keys.add('a', 'ctap21', 'manual');
    const dark = keys.add('dark', 'ctap21', 'manual', { wink: false });
    let winks = 0;
    a.on('wink', () => winks++);
    await manager.wink('a');
    expect(winks).toBe(1);
    expect((await manager.overview('a')).wink).toBe(true);
    expect((await manager.overview('dark')).wink).toBe(false);
    await expect(manager.wink('dark')).rejects.toMatchObject({
      code: 'securityKey.notSupportedByKey',
      params: { capability: 'wink' },
    });
    const waiting = Promise.all(
      [a, dark].map((k) => new Promise<void>((resolve) => k.once('upneeded', () => resolve()))),
    );
    const chosen = manager.choose(['a', 'dark']);
    await waiting;
    // 'a' blinked before it waited for its touch; 'dark' was never sent WINK
    expect(winks).toBe(2);
    expect(dark.touch()).toBe(true);
    await expect(chosen).resolves.toBe('dark');
  });

  it('guided reset: remove → re-insert → same key checked → reset sent at once → touch → done', async () => {
    const key = keys.add('k1', 'ctap21', 'manual');
    await manager.setPin('k1', PIN, PIN);
    const steps: string[] = [];
    const done = manager.reset('k1', {
      onProgress: (p) => {
        steps.push(p.step);
        if (p.step === 'remove') queueMicrotask(() => key.unplug());
        if (p.step === 'insert') queueMicrotask(() => key.plugIn());
        if (p.step === 'touch' && steps.filter((s) => s === 'touch').length === 2)
          queueMicrotask(() => key.touch());
      },
    });
    key.on('upneeded', () => key.touch());
    await done;
    expect(steps.slice(0, 3)).toEqual(['remove', 'insert', 'touch']);
    expect(key.exportState().pin).toBeUndefined();
  });

  it('guided reset: another model inserted is refused, nothing reset', async () => {
    const key = keys.add('k1', 'ctap21', 'manual');
    await manager.setPin('k1', PIN, PIN);
    const other = keys.add('k2', 'ctap20', 'manual');
    other.unplug();
    const done = manager.reset('k1', {
      onProgress: (p) => {
        if (p.step === 'remove') queueMicrotask(() => key.unplug());
        if (p.step === 'insert') queueMicrotask(() => other.plugIn());
      },
    });
    await expect(done).rejects.toMatchObject({ code: 'securityKey.differentKey' });
    expect(key.exportState().pin).toBeDefined();
  });
});
