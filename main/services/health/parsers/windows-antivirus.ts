import type { Parser } from '../types.js';
import { asBool, asDate, asList, asNumber, asRecord, asString, isDepthTruncated, type Rec } from './records.js';
import { isFinding, records } from './windows-records.js';
import { critical, daysBetween, incomplete, ok, warning } from './util.js';

/** Windows antivirus: Microsoft Defender's own status, else the products registered with Security Center. */

/** SecurityCenter2 productState: middle byte 0x10/0x11 = real-time on; last byte 0x00 = definitions up to date. */
export function decodeProductState(state: number): { enabled: boolean; upToDate: boolean } {
  const hex = state.toString(16).padStart(6, '0');
  const mid = hex.slice(-4, -2);
  const last = hex.slice(-2);
  return { enabled: mid === '10' || mid === '11', upToDate: last === '00' };
}
const isMsDefender = (name: string) => /(windows|microsoft) defender/i.test(name);
export const SIGNATURE_MAX_DAYS = 7;

export const parseAntivirus: Parser = (input, ctx) => {
  const recs = records(input, 'Get-MpComputerStatus');
  if (isFinding(recs)) return recs;
  // Our probe's JSON: one record { Defender, DefenderError, Products }; pasted text: Defender and/or product records.
  let defender: Rec | null;
  let products: Rec[] | null;
  const top = recs[0];
  if (recs.length === 1 && top && ('defender' in top || 'products' in top)) {
    if (isDepthTruncated(top.defender) || isDepthTruncated(top.products))
      return incomplete('Get-MpComputerStatus', 'réponse JSON trop peu profonde');
    defender = asRecord(top.defender);
    products = asList(top.products);
  } else {
    defender = recs.find((r) => 'amrunningmode' in r || 'realtimeprotectionenabled' in r) ?? null;
    const p = recs.filter((r) => 'productstate' in r || 'displayname' in r);
    products = p.length ? p : null;
  }
  if (defender) {
    const mode = (asString(defender.amrunningmode) ?? '').toLowerCase();
    const active = mode === 'normal' || (mode === '' && asBool(defender.antivirusenabled) === true);
    if (active) {
      if (asBool(defender.realtimeprotectionenabled) !== true) return critical('antivirus.realtime-off', { name: 'Microsoft Defender' });
      let days = asNumber(defender.antivirussignatureage);
      const updated = asDate(defender.antivirussignaturelastupdated);
      if (updated) days = Math.max(0, daysBetween(updated, ctx.now));
      if (asBool(defender.defendersignaturesoutofdate) === true || (days !== null && days > SIGNATURE_MAX_DAYS)) {
        return days === null
          ? warning('antivirus.product-outdated', { name: 'Microsoft Defender' })
          : warning('antivirus.outdated', { name: 'Microsoft Defender', days });
      }
      return ok('antivirus.defender-ok');
    }
  }
  // Defender passive, not running, or unreadable: another registered antivirus must protect.
  if (products === null) return incomplete('SecurityCenter2 AntivirusProduct', 'liste des antivirus absente');
  const judged = products
    .map((p) => ({ name: asString(p.displayname) ?? 'Antivirus', state: asNumber(p.productstate) }))
    .filter((p) => !(defender && isMsDefender(p.name)));
  const readable = judged
    .filter((p): p is { name: string; state: number } => p.state !== null)
    .map((p) => ({ name: p.name, ...decodeProductState(p.state) }));
  const good = readable.find((p) => p.enabled && p.upToDate);
  if (good) return ok(isMsDefender(good.name) ? 'antivirus.defender-ok' : 'antivirus.product-ok', { name: good.name });
  const stale = readable.find((p) => p.enabled);
  if (stale) return warning('antivirus.product-outdated', { name: stale.name });
  if (judged.length > readable.length) return incomplete('SecurityCenter2 AntivirusProduct', 'état de l’antivirus absent');
  if (readable.length) return critical('antivirus.realtime-off', { name: readable[0]!.name });
  return critical('antivirus.none');
};
