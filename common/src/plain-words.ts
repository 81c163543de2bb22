/**
 * Words a practitioner should never have to read: commands and tools, protocols and file formats,
 * malware names, system accounts and paths, error codes, « jour(s) » plurals, raw values put in a
 * sentence. The technician reads those in the console's raw evidence; the practitioner reads what
 * they mean and what to do. Used by the tests that scan every practitioner-facing string.
 */
export const JARGON: ReadonlyArray<readonly [string, RegExp]> = [
  [
    'command or tool name',
    /\b(ufw|iptables|nftables|firewalld|systemd|systemctl|launchctl|journalctl|gdm3?|lightdm|sddm|sudo|apt(-get)?|dpkg|fdesetup|manage-bde|netsh|reg(\.exe)?\s+query|powershell|cmd\.exe|wmic|restic|rclone|chattr|Get-[A-Z]\w*|Set-[A-Z]\w*)\b/i,
  ],
  ['protocol or file format', /\b(SMBv?1|SMB|RDP|NLA|SSH|VNC|JSON|YAML|XML|TCP|UDP|HTTPS?|URL|API|CLI|UEFI|BIOS|TPM|GPO)\b/],
  ['malware or CVE name', /\b(WannaCry|NotPetya|Emotet|CVE-\d+)/i],
  ['system account or path', /\b(root|HKLM|HKEY_\w+|\/etc\/|\/usr\/|%\w+%|C:\\)/],
  ['error code', /\b(E[A-Z]{3,}|exit code|errno|0x[0-9a-f]{4,})\b/],
  ['fake plural', /\w\((s|e|es)\)/],
  ['raw value put in a sentence', /\{\{\s*(command|exitCode|stderr|stdout|errno|path)\b/],
];

export interface JargonFound {
  where: string;
  text: string;
  why: string;
}

/** Every string in `value` (any depth) that uses jargon, with where it is (`where.key.key`) and why. */
export function findJargon(where: string, value: unknown, out: JargonFound[] = []): JargonFound[] {
  if (typeof value === 'string') {
    for (const [why, re] of JARGON) if (re.test(value)) out.push({ where, text: value, why });
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) findJargon(`${where}.${k}`, v, out);
  }
  return out;
}
