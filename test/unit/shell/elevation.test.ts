/**
 * "Restart as administrator" (docs/KEYS.md "Windows"), the pure part of the Electron host: when
 * it is offered, the elevation check, and the PowerShell command with hostile paths quoted.
 */
import { describe, expect, it } from 'vitest';
import {
  elevatedRelaunch,
  isElevated,
  psQuote,
  shouldOfferElevation,
  windowsElevation,
  type Runner,
} from '../../../main/electron/elevation';
import { keyManagerHandlers } from '../../../main/api/key-manager';

/** A runner that records calls; `net session` answers `netSession`, others `other`. */
function runner(netSession: number, other = 0) {
  const calls: { file: string; args: readonly string[] }[] = [];
  const run: Runner = (file, args) => {
    calls.push({ file, args });
    return Promise.resolve(file === 'net' ? netSession : other);
  };
  return { run, calls };
}

describe('elevation check and offer', () => {
  it('offered only on Windows without elevation (net session fails)', async () => {
    expect(await isElevated('win32', runner(0).run)).toBe(true);
    expect(await isElevated('win32', runner(2).run)).toBe(false);
    expect(await shouldOfferElevation('win32', runner(2).run)).toBe(true);
    expect(await shouldOfferElevation('win32', runner(0).run)).toBe(false);
    const linux = runner(2);
    expect(await shouldOfferElevation('linux', linux.run)).toBe(false);
    expect(await shouldOfferElevation('darwin', linux.run)).toBe(false);
    expect(linux.calls).toEqual([]);
  });
});

describe('the elevated relaunch command', () => {
  it('quotes every argument for PowerShell: quotes doubled, $ and ; inert', () => {
    expect(psQuote('C:\\Program Files\\Keystation\\Keystation.exe')).toBe(
      "'C:\\Program Files\\Keystation\\Keystation.exe'",
    );
    expect(psQuote("O'Brien's $(calc); & x")).toBe("'O''Brien''s $(calc); & x'");
    expect(psQuote('a’b')).toBe("'a’’b'");
    expect(() => psQuote('a\nb')).toThrow();
    const c = elevatedRelaunch("C:\\Users\\O'Brien\\Keystation.exe", ['--kiosk', "x'y"]);
    expect(c.file).toBe('powershell.exe');
    expect(c.args.slice(0, 5)).toEqual([
      '-NoProfile',
      '-NonInteractive',
      '-ExecutionPolicy',
      'Bypass',
      '-Command',
    ]);
    expect(c.args[5]).toBe(
      "Start-Process -FilePath 'C:\\Users\\O''Brien\\Keystation.exe' -ArgumentList @('--kiosk', 'x''y') -Verb RunAs -ErrorAction Stop",
    );
    expect(elevatedRelaunch('C:\\k.exe', []).args[5]).toBe(
      "Start-Process -FilePath 'C:\\k.exe' -Verb RunAs -ErrorAction Stop",
    );
  });
});

describe('windowsElevation', () => {
  function host(netSession: number, startProcess: number) {
    const r = runner(netSession, startProcess);
    const events: string[] = [];
    const elevation = windowsElevation({
      platform: 'win32',
      execPath: 'C:\\Keystation\\Keystation.exe',
      args: ['--kiosk'],
      run: r.run,
      release: () => events.push('release'),
      reacquire: () => events.push('reacquire'),
      quit: () => events.push('quit'),
    });
    return { elevation, events, calls: r.calls };
  }

  it('not elevated: the lock is released, the app started elevated, then this one quits', async () => {
    const h = host(2, 0);
    expect(await h.elevation.canRestartElevated()).toBe(true);
    await h.elevation.restartElevated();
    expect(h.events).toEqual(['release', 'quit']);
    expect(h.calls.at(-1)?.file).toBe('powershell.exe');
    expect(h.calls.at(-1)?.args.at(-1)).toContain("-ArgumentList @('--kiosk') -Verb RunAs");
  });

  it('the UAC prompt refused: the lock is taken back and the app keeps running', async () => {
    const h = host(2, 1);
    await expect(h.elevation.restartElevated()).rejects.toThrow(/refused/);
    expect(h.events).toEqual(['release', 'reacquire']);
  });

  it('already elevated (or not Windows): nothing is offered and nothing runs', async () => {
    const h = host(0, 0);
    expect(await h.elevation.canRestartElevated()).toBe(false);
    await expect(h.elevation.restartElevated()).rejects.toThrow();
    expect(h.events).toEqual([]);
    expect(h.calls.every((c) => c.file === 'net')).toBe(true);
  });
});

describe('through the contract (keyManager.elevation / restartAsAdministrator)', () => {
  const manager = {} as Parameters<typeof keyManagerHandlers>[0];
  const ctx = {} as Parameters<ReturnType<typeof keyManagerHandlers>['elevation']>[1];

  it('browser mode (no host elevation): not offered, and a restart is refused', async () => {
    const h = keyManagerHandlers(manager);
    expect(await h.elevation({}, ctx)).toEqual({ canRestart: false });
    await expect(h.restartAsAdministrator({}, ctx)).rejects.toMatchObject({
      code: 'securityKey.restartUnavailable',
    });
  });

  it('the desktop host on Windows without elevation: offered; a refused prompt is named', async () => {
    let refuse = true;
    const restarts: number[] = [];
    const h = keyManagerHandlers(manager, {
      canRestartElevated: () => Promise.resolve(true),
      restartElevated: () => {
        restarts.push(1);
        return refuse ? Promise.reject(new Error('refused')) : Promise.resolve();
      },
    });
    expect(await h.elevation({}, ctx)).toEqual({ canRestart: true });
    await expect(h.restartAsAdministrator({}, ctx)).rejects.toMatchObject({
      code: 'securityKey.restartRefused',
    });
    refuse = false;
    await expect(h.restartAsAdministrator({}, ctx)).resolves.toEqual({ ok: true });
    expect(restarts).toHaveLength(2);
  });
});
