import type { CommandSpec, Finding, Probe, ProbeCommand } from '../types.js';
import * as L from '../parsers/linux.js';
import { critical, ok, unknown, warning } from '../parsers/util.js';
import { anyOk, bestUnknown, worstKnown } from './combine.js';

/** Linux probes: plain commands without root, LC_ALL=C so messages are not translated. */

export interface LinuxProbeOptions {
  /**
   * Private apt cache file. When the system keeps no package cache (containers, docker-clean),
   * `apt list` rebuilds it in memory at every call (~0.7 s of CPU); a cache of our own, which apt
   * validates against its lists itself, brings that down to ~0.2 s. Null: use the system's.
   */
  aptCacheFile?: string | null;
}

const C = { LC_ALL: 'C' } as const;
const cmd = (file: string, args: string[], timeoutMs?: number): CommandSpec => ({
  file,
  args,
  env: C,
  ...(timeoutMs ? { timeoutMs } : {}),
});
const cat = (path: string) => cmd('cat', [path]);
const pc = <D>(parserId: string, spec: CommandSpec, parse: ProbeCommand<D>['parse']): ProbeCommand => ({
  parserId,
  spec,
  parse: parse as ProbeCommand['parse'],
  ...(spec.file === 'cat' || spec.file === '/bin/cat' ? { textFile: true } : {}),
});

export const SECURE_BOOT_EFIVAR = '/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c';

export function linuxProbes(options: LinuxProbeOptions = {}): Probe[] {
  const aptArgs = ['list', '--upgradable'];
  if (options.aptCacheFile) aptArgs.push('-o', `Dir::Cache::pkgcache=${options.aptCacheFile}`, '-o', 'Dir::Cache::srcpkgcache=');
  const gdm3 = pc('linux.gdm-custom-conf', cat('/etc/gdm3/custom.conf'), L.parseGdmAutoLogin);
  const gdm = pc('linux.gdm-custom-conf', cat('/etc/gdm/custom.conf'), L.parseGdmAutoLogin);
  const lightdm = pc('linux.lightdm-conf', cat('/etc/lightdm/lightdm.conf'), L.parseLightdmAutoLogin);
  const sddm = pc('linux.sddm-conf', cat('/etc/sddm.conf'), L.parseSddmAutoLogin);
  const gs = (schema: string, key: string) => cmd('gsettings', ['get', schema, key]);

  return [
    {
      check: 'disk-encryption',
      os: 'linux',
      commands: [pc('linux.lsblk-json', cmd('lsblk', ['-J', '-o', 'NAME,TYPE,FSTYPE,MOUNTPOINT']), L.parseLsblk)],
    },
    {
      check: 'antivirus',
      os: 'linux',
      commands: [
        pc(
          'linux.dpkg-clamav',
          cmd('dpkg-query', ['-W', '-f=${Package} ${db:Status-Abbrev}\\n', 'clamav', 'clamav-daemon', 'clamav-freshclam']),
          L.parseClamavPackages,
        ),
      ],
    },
    {
      check: 'firewall',
      os: 'linux',
      commands: [
        pc('linux.ufw-conf', cat('/etc/ufw/ufw.conf'), L.parseUfwConf),
        pc('linux.ufw-status', cmd('ufw', ['status']), L.parseUfwStatus),
        pc('linux.nft-list-ruleset', cmd('nft', ['list', 'ruleset']), L.parseNftRuleset),
        pc('linux.firewalld-state', cmd('firewall-cmd', ['--state']), L.parseFirewalldState),
      ],
      combine: anyOk('pare-feu ufw, nftables ou firewalld'),
    },
    { check: 'os-supported', os: 'linux', commands: [pc('linux.os-release', cat('/etc/os-release'), L.parseOsRelease)] },
    {
      check: 'os-updates',
      os: 'linux',
      commands: [
        pc('linux.apt-list-upgradable', cmd('apt', aptArgs, 60_000), L.parseAptUpgradable),
        pc(
          'linux.apt-lists-age',
          cmd('find', ['/var/lib/apt/lists', '-maxdepth', '1', '-name', '*_InRelease', '-printf', '%T@\\n']),
          L.parseAptListsAge,
        ),
      ],
      combine: ([apt, age]) => {
        if (!apt || apt.status !== 'ok') return apt ?? unknown('nothing-found', { detail: 'apt' });
        return age && age.status === 'warning' ? age : apt;
      },
    },
    {
      check: 'auto-updates',
      os: 'linux',
      commands: [
        pc('linux.apt-config-periodic', cmd('apt-config', ['dump', 'APT::Periodic']), L.parseAptPeriodic),
        pc(
          'linux.dpkg-unattended-upgrades',
          cmd('dpkg-query', ['-W', '-f=${Package} ${db:Status-Abbrev}\\n', 'unattended-upgrades']),
          L.parseUnattendedPackage,
        ),
      ],
      combine: ([periodic, pkg]) => {
        if (pkg?.status === 'warning') return pkg; // not installed: nothing installs updates by itself
        if (periodic && periodic.status !== 'unknown') return periodic;
        return bestUnknown([periodic, pkg], 'unattended-upgrades');
      },
    },
    {
      check: 'screen-lock',
      os: 'linux',
      commands: [
        pc('linux.gsettings-uint', gs('org.gnome.desktop.session', 'idle-delay'), L.parseGsettingsUint),
        pc('linux.gsettings-bool', gs('org.gnome.desktop.screensaver', 'lock-enabled'), L.parseGsettingsBool),
        pc('linux.gsettings-uint', gs('org.gnome.desktop.screensaver', 'lock-delay'), L.parseGsettingsUint),
      ],
      combine: ([idle, lock, delay], ctx) => {
        if (ctx.desktop && !/gnome|unity|ubuntu|pop/i.test(ctx.desktop))
          return unknown('not-supported', { detail: `bureau ${ctx.desktop}` });
        const all = [idle, lock, delay].filter((f): f is Finding => !!f);
        if (all.some((f) => f.status === 'unknown')) return bestUnknown(all, 'réglages GNOME');
        const idleS = (idle?.data as { seconds: number }).seconds;
        const lockOn = (lock?.data as { value: boolean }).value;
        const delayS = (delay?.data as { seconds: number }).seconds;
        if (idleS === 0 || !lockOn) return critical('screen-lock.never');
        const minutes = Math.ceil((idleS + delayS) / 60);
        return idleS + delayS <= 600 ? ok('screen-lock.ok', { minutes }) : warning('screen-lock.too-long', { minutes });
      },
    },
    { check: 'admin-user', os: 'linux', commands: [pc('linux.id', cmd('id', []), L.parseId)] },
    {
      check: 'auto-login',
      os: 'linux',
      commands: [gdm3, gdm, lightdm, sddm],
      combine: worstKnown('aucun écran de connexion graphique connu (GDM, LightDM, SDDM)'),
    },
    {
      check: 'guest-account',
      os: 'linux',
      commands: [
        pc('linux.gdm-guest', cat('/etc/gdm3/custom.conf'), L.parseGdmGuest),
        pc('linux.gdm-guest', cat('/etc/gdm/custom.conf'), L.parseGdmGuest),
        pc('linux.lightdm-guest', cat('/etc/lightdm/lightdm.conf'), L.parseLightdmGuest),
      ],
      combine: worstKnown('aucun écran de connexion graphique connu (GDM, LightDM)'),
    },
    { check: 'remote-access', os: 'linux', commands: [pc('linux.ss-ltn', cmd('ss', ['-ltn']), L.parseSsListening)] },
    {
      check: 'smbv1',
      os: 'linux',
      commands: [
        pc('linux.samba-conf', cat('/etc/samba/smb.conf'), L.parseSambaConf),
        pc('linux.fstab-cifs', cat('/etc/fstab'), L.parseFstabCifs),
      ],
      combine: worstKnown('configuration Samba'),
    },
    {
      check: 'platform-integrity',
      os: 'linux',
      commands: [
        pc('linux.mokutil-sb-state', cmd('mokutil', ['--sb-state']), L.parseMokutilSbState),
        pc('linux.secureboot-efivar', cmd('od', ['-An', '-tu1', SECURE_BOOT_EFIVAR]), L.parseSecureBootEfivar),
        pc('linux.apparmor-enabled', cat('/sys/module/apparmor/parameters/enabled'), L.parseAppArmorEnabled),
        pc('linux.selinux-enforce', cat('/sys/fs/selinux/enforce'), L.parseSelinuxEnforce),
      ],
      combine: ([mok, efivar, apparmor, selinux]) => {
        const secureBoot = anyOk('Secure Boot')([mok, efivar].filter((f): f is Finding => !!f));
        const confinement = anyOk('AppArmor ou SELinux')([apparmor, selinux].filter((f): f is Finding => !!f));
        return worstKnown('Secure Boot, AppArmor ou SELinux')([secureBoot, confinement]);
      },
    },
    { check: 'disk-space', os: 'linux', commands: [pc('linux.df-pk', cmd('df', ['-Pk']), L.parseDfPk)] },
    { check: 'time-sync', os: 'linux', commands: [pc('linux.timedatectl-show', cmd('timedatectl', ['show']), L.parseTimedatectlShow)] },
  ];
}
