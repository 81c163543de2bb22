import type { Finding, Parser } from '../types.js';
import { asBool, asList, asString, isDepthTruncated } from './records.js';
import { isFinding, records } from './windows-records.js';
import { clean, critical, incomplete, ok, unparseable, warning } from './util.js';

/** Windows firewall: each profile's state against the profiles the connected networks put in force. */

const PROFILES = ['domain', 'private', 'public'] as const;
const PROFILE_WORDS: Record<(typeof PROFILES)[number], RegExp> = {
  domain: /^(Domain Profile Settings|Param.{1,2}tres (du )?profil de domaine)/i,
  private: /^(Private Profile Settings|Param.{1,2}tres (du )?profil priv)/i,
  public: /^(Public Profile Settings|Param.{1,2}tres (du )?profil public)/i,
};

function netshProfiles(text: string): Map<string, boolean> | null {
  const state = new Map<string, boolean>();
  let current: string | null = null;
  for (const raw of clean(text).split('\n')) {
    const line = raw.trim();
    const p = PROFILES.find((k) => PROFILE_WORDS[k].test(line));
    if (p) {
      current = p;
      continue;
    }
    // "État" may arrive mangled when netsh writes in the OEM code page: match loosely.
    const m = /^(State|.{1,2}tat)\s+(\S+)$/i.exec(line);
    if (m && current) {
      const v = (m[2] ?? '').toLowerCase();
      if (v === 'on' || v === 'actif') state.set(current, true);
      else if (v === 'off' || v === 'inactif') state.set(current, false);
    }
  }
  return state.size ? state : null;
}

const PROFILE_TERM: Record<Profile, string> = { domain: 'fw-domain', private: 'fw-private', public: 'fw-public' };
type Profile = (typeof PROFILES)[number];
/** NetworkCategory of a connection profile (Get-NetConnectionProfile: Public 0, Private 1, DomainAuthenticated 2) → firewall profile. */
function profileOfCategory(v: unknown): Profile | null {
  const t = (asString(v) ?? '').toLowerCase();
  if (t === 'public' || t === '0') return 'public';
  if (t === 'private' || t === '1') return 'private';
  if (t === 'domainauthenticated' || t === 'domain' || t === '2') return 'domain';
  return null;
}

export interface FirewallData {
  /** Profiles whose rules apply now; null when the connected networks could not be read. */
  inForce: Profile[] | null;
  off: Profile[];
  /** Win32_ComputerSystem.PartOfDomain; null when not read. */
  partOfDomain: boolean | null;
}

/**
 * Windows firewall, per profile. Our probe prints { Profiles, Connections, PartOfDomain }: the
 * profile state, the category of each connected network (Get-NetConnectionProfile) and domain
 * membership (Win32_ComputerSystem), none of which needs administrator rights. A network's category
 * picks the profile in force (Public → public, Private → private, DomainAuthenticated → domain);
 * with no network connected, the public profile is the one a new network gets. Off for a profile in
 * force: critical. Off only for profiles not in force: warning, naming them. When the networks are
 * not known (pasted text, a failed query), every profile counts as in force, except the domain
 * profile on a computer that is not joined to a domain.
 */
export const parseFirewallProfiles: Parser<FirewallData> = (input) => {
  let state = netshProfiles(input.stdout);
  let inForce: Profile[] | null = null;
  let partOfDomain: boolean | null = null;
  if (!state) {
    const recs = records(input, 'Get-NetFirewallProfile');
    if (isFinding(recs)) return recs as Finding<FirewallData>;
    const top = recs[0];
    let profiles = recs;
    if (recs.length === 1 && top && 'profiles' in top) {
      if (isDepthTruncated(top.profiles) || isDepthTruncated(top.connections))
        return incomplete('Get-NetFirewallProfile', 'réponse JSON trop peu profonde');
      profiles = asList(top.profiles) ?? [];
      partOfDomain = asBool(top.partofdomain);
      const connections = top.connections === null || top.connections === undefined ? null : asList(top.connections);
      if (connections) {
        const set = new Set<Profile>();
        for (const c of connections) {
          const p = profileOfCategory(c.networkcategory);
          if (p === null) return unparseable('Get-NetConnectionProfile');
          set.add(p);
        }
        if (set.size === 0) set.add('public');
        inForce = PROFILES.filter((p) => set.has(p));
      }
    }
    state = new Map();
    for (const r of profiles) {
      const name = (asString(r.name) ?? '').toLowerCase();
      const enabled = asBool(r.enabled);
      if ((PROFILES as readonly string[]).includes(name) && enabled !== null) state.set(name, enabled);
    }
    if (state.size === 0) return unparseable('Get-NetFirewallProfile');
  }
  const known = state;
  const off = PROFILES.filter((p) => known.get(p) === false);
  // A computer outside any domain never uses the domain profile, whatever its networks.
  const mattering = inForce ?? (partOfDomain === false ? PROFILES.filter((p) => p !== 'domain') : [...PROFILES]);
  const data: FirewallData = { inForce, off, partOfDomain };
  const offInForce = off.filter((p) => mattering.includes(p));
  const list = (ps: Profile[]) => ps.map((p) => PROFILE_TERM[p]).join(',');
  if (offInForce.length) return critical('firewall.off.windows', { profilesList: list(offInForce) }, data);
  if (mattering.some((p) => known.get(p) === undefined))
    return incomplete('Get-NetFirewallProfile', 'tous les profils réseau ne sont pas listés');
  if (off.length) return warning('firewall.unused-off.windows', { profilesList: list(off) }, data);
  return ok('firewall.on', {}, data);
};
