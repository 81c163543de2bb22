import type { Finding, Parser } from '../types.js';
import { asList, asNumber, asString, isDepthTruncated, normKey, type Rec } from './records.js';
import { REMOTE_TOOLS, toolsMatching } from './remote-tools.js';
import { isFinding, records } from './windows-records.js';
import { clean, critical, incomplete, ok, unparseable, warning } from './util.js';

/** Windows remote access: Remote Desktop (open, with or without NLA) and remote-control software running or starting by itself. */

/** `reg query` text: "    Name    REG_DWORD    0x1" lines → { name: number }. */
function regQueryValues(text: string): Rec | null {
  const out: Rec = {};
  for (const m of clean(text).matchAll(/^\s+(\w+)\s+REG_DWORD\s+0x([0-9a-f]+)\s*$/gim)) out[normKey(m[1] ?? '')] = parseInt(m[2] ?? '', 16);
  return Object.keys(out).length ? out : null;
}

export interface RemoteAccessData {
  rdp: 'off' | 'nla' | 'no-nla' | 'on-unknown-nla';
  /** Remote-control software running or set to start by itself; null when it could not be listed. */
  tools: string[] | null;
}

/**
 * Remote Desktop is allowed when fDenyTSConnections is 0; the group-policy value
 * (HKLM\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services) overrides the local one. Network
 * Level Authentication is required when UserAuthentication is 1 (policy first, then the RDP-Tcp
 * listener); Microsoft documents 0 as its default, so a missing value means not required.
 * Remote-control software (REMOTE_TOOLS) counts when its service runs or starts automatically, or
 * its process runs. Open without NLA: critical; open with NLA or any software: warning. ok only
 * when both were read: Remote Desktop closed and no such software found.
 */
export const parseRemoteAccess: Parser<RemoteAccessData> = (input) => {
  const reg = regQueryValues(input.stdout);
  let r: Rec;
  if (reg) r = reg;
  else {
    const recs = records(input, 'Terminal Server');
    if (isFinding(recs)) return recs as Finding<RemoteAccessData>;
    r = recs[0] ?? {};
  }
  if (isDepthTruncated(r.services)) return incomplete('Terminal Server', 'réponse JSON trop peu profonde');
  const deny = asNumber(r.policydenytsconnections) ?? asNumber(r.fdenytsconnections);
  if (deny === null)
    return 'fdenytsconnections' in r
      ? incomplete('Terminal Server', 'réglage du bureau à distance absent')
      : unparseable('Terminal Server');
  const nlaKnown = 'userauthentication' in r || 'policyuserauthentication' in r;
  const nla = (asNumber(r.policyuserauthentication) ?? asNumber(r.userauthentication) ?? 0) === 1;
  const rdp: RemoteAccessData['rdp'] = deny !== 0 ? 'off' : !nlaKnown ? 'on-unknown-nla' : nla ? 'nla' : 'no-nla';

  let tools: string[] | null = null;
  if ('services' in r || 'processes' in r) {
    const services = r.services === null ? null : asList(r.services);
    const processes = r.processes === null || r.processes === undefined ? [] : Array.isArray(r.processes) ? r.processes : [r.processes];
    if (services !== null) {
      const active = services.filter((sv) => {
        const status = (asString(sv.status) ?? '').toLowerCase();
        const start = (asString(sv.starttype) ?? '').toLowerCase();
        return status === 'running' || status === '4' || start === 'automatic' || start === '2';
      });
      const names = active.flatMap((sv) => [asString(sv.name) ?? '', asString(sv.displayname) ?? '']).filter(Boolean);
      const procNames = processes.map((p) => asString(p) ?? '').filter(Boolean);
      const found = new Set([...toolsMatching('service', names), ...toolsMatching('process', procNames)]);
      tools = REMOTE_TOOLS.map((t) => t.term).filter((t) => found.has(t));
    }
  }
  const data: RemoteAccessData = { rdp, tools };
  if (rdp === 'no-nla') {
    return tools && tools.length
      ? critical('remote-access.rdp-unprotected-and-others', { servicesList: tools.join(',') }, data)
      : critical('remote-access.rdp-unprotected', {}, data);
  }
  const open = [...(rdp === 'off' ? [] : ['remote-desktop']), ...(tools ?? [])];
  if (open.length) return warning('remote-access.on', { servicesList: open.join(',') }, data);
  if (tools === null) return incomplete('Get-Service', 'liste des logiciels de prise en main absente');
  return ok('remote-access.off', {}, data);
};
