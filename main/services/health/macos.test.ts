import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as M from './parsers/macos.js';
import { macosProbes, xprotectCommand } from './probes/macos.js';
import type { Finding } from './types.js';

/**
 * macOS antivirus (XProtect) and remote-access checks. Inputs here are CONSTRUCTED (no Mac in CI);
 * the fixture files under fixtures/macos run in parsers.fixtures.test.ts.
 */
const ctx = { now: new Date('2026-11-28T12:00:00Z'), username: 'dr.martin' };
const f = (status: Finding['status'], key: Finding['key'], params: Finding['params'] = {}): Finding => ({ status, key, params });
const probe = (check: string) => macosProbes().find((p) => p.check === check)!;

describe('macOS XProtect', () => {
  it('the probe script file prints what the parser reads (run for real by /bin/sh on this Linux machine, where no XProtect exists)', () => {
    const spec = xprotectCommand();
    expect(probe('antivirus').commands[0]!.spec).toEqual(spec);
    const r = spawnSync(spec.file, spec.args, { encoding: 'utf8', env: { ...process.env, ...spec.env } });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([...M.XPROTECT_BUNDLES.map((b) => `${b}|absent||`), 'tool|absent']);
    expect(M.parseXProtectBundles({ stdout: r.stdout, stderr: r.stderr, exitCode: r.status }, ctx)).toMatchObject({
      status: 'critical',
      key: 'antivirus.macos-missing',
    });
  });

  it('the antivirus verdict weighs definitions first, then the update setting', () => {
    const combine = probe('antivirus').combine!;
    expect(probe('antivirus').commands.map((c) => c.parserId)).toEqual(['macos.xprotect-bundles', 'macos.softwareupdate-prefs-xprotect']);
    const current = f('ok', 'antivirus.macos-current', { sinceDate: '2026-11-20' });
    const prefsOk = f('ok', 'antivirus.macos-ok');
    const prefsOff = f('warning', 'antivirus.macos-updates-off');
    expect(combine([current, prefsOk], ctx)).toBe(current);
    expect(combine([current, prefsOff], ctx)).toBe(prefsOff);
    expect(combine([f('warning', 'antivirus.macos-outdated'), prefsOk], ctx).key).toBe('antivirus.macos-outdated');
    expect(combine([f('critical', 'antivirus.macos-missing'), prefsOff], ctx).key).toBe('antivirus.macos-missing');
    // The copy in service unreadable: presence is known (macOS 15 keeps it), the update setting decides.
    const unread: Finding = { status: 'unknown', key: 'unknown', params: {}, reason: { code: 'incomplete', params: {} } };
    expect(combine([unread, prefsOk], ctx)).toBe(prefsOk);
    expect(combine([unread, { ...unread }], ctx).status).toBe('unknown');
  });

  it('refuses lines it does not expect, and a half-read listing', () => {
    const lines = [...M.XPROTECT_BUNDLES.map((b) => `${b}|absent||`), 'tool|absent'];
    const run = (ls: string[]) => M.parseXProtectBundles({ stdout: ls.join('\n') + '\n', stderr: '', exitCode: 0 }, ctx).status;
    expect(run(lines.slice(0, 2))).toBe('unknown');
    expect(run([...lines.slice(0, 3), '/etc/passwd|read|1|1', 'tool|absent'])).toBe('unknown');
    expect(run([...lines.slice(1), `${M.XPROTECT_BUNDLES[0]}|read|5300|`].slice(0, 4).concat(['tool|absent']))).toBe('unknown');
    // A read copy without a date cannot be judged, and never reads as missing.
    expect(run([`${M.XPROTECT_BUNDLES[0]}|read|5300|`, ...lines.slice(1)])).toBe('unknown');
  });
});

describe('macOS remote access', () => {
  it('names every open access, Remote Management and remote-control software included', () => {
    const p = probe('remote-access');
    expect(p.commands.map((c) => c.parserId)).toEqual([
      'macos.launchctl-sshd',
      'macos.launchctl-screensharing',
      'macos.remote-management',
      'macos.launchd-remote-tools',
    ]);
    const off = f('ok', 'remote-access.off');
    const r = p.combine!(
      [
        f('warning', 'remote-access.on', { servicesList: 'ssh' }),
        off,
        f('warning', 'remote-access.on', { servicesList: 'remote-management' }),
        f('warning', 'remote-access.on', { servicesList: 'TeamViewer,AnyDesk' }),
      ],
      ctx,
    );
    expect(r).toMatchObject({ status: 'warning', params: { servicesList: 'ssh,remote-management,TeamViewer,AnyDesk' } });
    // « None » only when every part was read.
    const unread: Finding = { status: 'unknown', key: 'unknown', params: {}, reason: { code: 'permission-denied', params: {} } };
    expect(p.combine!([off, off, off, unread], ctx).status).toBe('unknown');
    expect(p.combine!([off, off, off, off], ctx).status).toBe('ok');
  });

  it('reads Remote Management and launchd job files strictly', () => {
    expect(M.parseRemoteManagement({ stdout: 'enabled\n', stderr: '', exitCode: 0 }, ctx)).toMatchObject({
      status: 'warning',
      params: { servicesList: 'remote-management' },
    });
    expect(M.parseRemoteManagement({ stdout: '', stderr: 'cat: x: Permission denied\n', exitCode: 1 }, ctx)).toMatchObject({
      status: 'unknown',
      reason: { code: 'permission-denied' },
    });
    expect(M.parseRemoteManagement({ stdout: 'enabled please\n', stderr: '', exitCode: 0 }, ctx).status).toBe('unknown');
    const ls = (stdout: string, stderr = '', exitCode = 0) => M.parseLaunchdRemoteTools({ stdout, stderr, exitCode }, ctx);
    expect(
      ls('/Library/LaunchDaemons:\ncom.realvnc.vncserver.plist\n', 'ls: /Library/LaunchAgents: No such file or directory\n', 1),
    ).toMatchObject({ status: 'warning', params: { servicesList: 'vnc' } });
    expect(
      ls('/Library/LaunchAgents:\norg.chromium.chromoting.plist\n\n/Library/LaunchDaemons:\ncom.splashtop.streamer-daemon.plist\n'),
    ).toMatchObject({ params: { servicesList: 'Chrome Remote Desktop,Splashtop' } });
    expect(ls('', 'ls: /Library/LaunchDaemons: Operation not permitted\n', 1).status).toBe('unknown');
    expect(ls('/Library/LaunchAgents:\nsome file with spaces.plist\n').status).toBe('unknown');
  });
});
