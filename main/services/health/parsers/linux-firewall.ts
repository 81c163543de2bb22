import type { Parser } from '../types.js';
import { clean, critical, fileContent, isTruthy, keyValues, ok, unknown, unparseable } from './util.js';

/** Linux firewall: ufw (its configuration, its status), the nftables ruleset, firewalld. */

/** `cat /etc/ufw/ufw.conf`: ENABLED=yes means ufw loads its rules at boot. */
export const parseUfwConf: Parser = (input) => {
  const f = fileContent(input);
  if (!f) return unparseable('cat /etc/ufw/ufw.conf');
  if (f.state === 'absent') return unknown('nothing-found', { detail: 'ufw n’est pas installé' });
  if (f.state === 'denied') return unknown('permission-denied', { command: 'cat /etc/ufw/ufw.conf' });
  const enabled = keyValues(f.text).get('ENABLED');
  if (enabled === undefined) return unparseable('cat /etc/ufw/ufw.conf');
  return isTruthy(enabled) ? ok('firewall.on', { tool: 'ufw' }) : critical('firewall.off.linux', { tool: 'ufw' });
};

/** `ufw status` (root only; as a user it answers "ERROR: You need to be root to run this script"). */
export const parseUfwStatus: Parser = ({ stdout, stderr, exitCode }) => {
  const t = `${clean(stdout)}\n${clean(stderr)}`;
  const m = /^Status:\s*(active|inactive)\b/m.exec(t);
  if (m) return m[1] === 'active' ? ok('firewall.on', { tool: 'ufw' }) : critical('firewall.off.linux', { tool: 'ufw' });
  if (/need to be root/i.test(t)) return unknown('permission-denied', { command: 'ufw status' });
  return exitCode === 0 ? unparseable('ufw status') : unknown('command-failed', { command: 'ufw status', exitCode: exitCode ?? -1 });
};

/** `nft list ruleset` (needs CAP_NET_ADMIN): an input hook that drops or rejects → filtering. */
export const parseNftRuleset: Parser = ({ stdout, stderr, exitCode }) => {
  const err = clean(stderr);
  if (exitCode !== 0) {
    if (/Operation not permitted|Permission denied/i.test(err)) return unknown('permission-denied', { command: 'nft list ruleset' });
    return unknown('command-failed', { command: 'nft list ruleset', exitCode: exitCode ?? -1 });
  }
  const text = clean(stdout);
  if (!text.trim()) return critical('firewall.off.linux', { tool: 'nftables' });
  if (!/\btable\s+\w+/.test(text)) return unparseable('nft list ruleset');
  const chains = text.split(/\bchain\s+/).slice(1);
  const filtering = chains.some(
    (c) => /hook\s+input\b/.test(c) && (/policy\s+drop\b/.test(c) || /\b(drop|reject)\b/.test(c.replace(/policy\s+\w+/, ''))),
  );
  return filtering ? ok('firewall.on', { tool: 'nftables' }) : critical('firewall.off.linux', { tool: 'nftables' });
};

/** `firewall-cmd --state`: "running" / "not running". */
export const parseFirewalldState: Parser = ({ stdout, stderr, exitCode }) => {
  const t = `${clean(stdout)}\n${clean(stderr)}`.trim();
  if (/^running$/m.test(t)) return ok('firewall.on', { tool: 'firewalld' });
  if (/not running/i.test(t)) return critical('firewall.off.linux', { tool: 'firewalld' });
  return exitCode === 0
    ? unparseable('firewall-cmd --state')
    : unknown('command-failed', { command: 'firewall-cmd --state', exitCode: exitCode ?? -1 });
};
