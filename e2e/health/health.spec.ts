/**
 * Security health end to end, with the REAL Linux probes of this machine: the browser host (same
 * renderer build and services as the Electron app) scans at start; the practitioner's "Sécurité"
 * tab shows exactly what the service found; the technician logs in to the console with a real TOTP
 * code, finds the same device in the fleet page ("Parc") with the same score, then opens the
 * practice's help request and sees the device's full report there. Nothing below hard-codes a
 * result of the machine: every expectation is read from the service's own report.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import {
  HEALTH_STRINGS,
  STATUS_SEVERITY,
  findJargon,
  renderCheckMessage,
  renderTechnicalReason,
  type HealthReport,
  type HealthStatus,
} from '@vigie/common';
import type { Hub } from '../../server/src/app.js';
import { enrollDevice } from '../../server/src/test-support/sockets.js';
import type { Host } from '../../main/host/server.js';
import { until } from '../practitioner/harness.js';
import { worldTest } from '../support/world.js';

const PRACTICE = 'Cabinet des Lilas';

// One world for the file: the tests follow one machine from its first scan to a help request.
const test = worldTest({
  practice: PRACTICE,
  enroll: true,
  appViewport: { width: 420, height: 900 },
  consoleViewport: { width: 1280, height: 900 },
  scope: 'file',
});

let hub: Hub;
let host: Host;
let app: Page;
let tech: Page;
let deviceId: string;
let signIn: () => Promise<void>;
const problems: string[] = [];

test.beforeEach(async ({ hub: h, host: ho, app: a, console: c, signIn: s }) => {
  if (hub) return;
  [hub, host, app, tech, signIn] = [h, ho, a, c, s];
  // A second practice's device, never connected: no report, offline.
  const other = await hub.admin.createPractice({ name: 'Maison médicale du Port' });
  await enrollDevice(hub.url, other.enrollmentCode, { name: 'Secrétariat' });
  const st = host.app.state().enrollment;
  if (st.status !== 'enrolled') throw new Error('the host did not enroll');
  deviceId = st.deviceId;
  for (const p of [app, tech]) p.on('pageerror', (e) => problems.push(e.message));
});

/** The service's latest report (what the panel and the console must show). */
async function latest(): Promise<HealthReport> {
  return until(() => host.health?.latest() ?? null, 'a health report from the service', 60_000);
}

/** check id → status, as drawn in `scope` (li[data-check-id]). */
async function shownStatuses(page: Page, scope: string): Promise<Record<string, string>> {
  const items = page.locator(`${scope} li[data-check-id]`);
  const out: Record<string, string> = {};
  for (const li of await items.all()) out[(await li.getAttribute('data-check-id'))!] = (await li.getAttribute('data-status'))!;
  return out;
}
/** One attribute of every element `loc` matches, in document order. */
async function attrs(loc: ReturnType<Page['locator']>, name: string): Promise<Array<string | null>> {
  const out: Array<string | null> = [];
  for (const el of await loc.all()) out.push(await el.getAttribute(name));
  return out;
}
const statusesOf = (r: HealthReport) => Object.fromEntries(r.checks.map((c) => [c.id, c.status]));
/** What the practitioner's tab draws as checks: all but the unverified ones (those are one quiet line). */
const shownOf = (r: HealthReport) => Object.fromEntries(r.checks.filter((c) => c.status !== 'unknown').map((c) => [c.id, c.status]));

test.describe('security health: this machine, the practitioner, the technician', () => {
  test('the "Sécurité" tab shows this machine’s real results, grouped, in French and English', async () => {
    const report = await latest();
    // A complete report of the real probes: every check, and an unknown only with its reason.
    expect(report.checks).toHaveLength(Object.keys(HEALTH_STRINGS.fr.checks).length);
    for (const c of report.checks) if (c.status === 'unknown') expect(c.reason?.text, c.id).toBeTruthy();

    await app.goto(host.url);
    await app.getByRole('tab', { name: 'Sécurité' }).click();
    const score = app.getByTestId('health-score');
    await until(
      async () => (await score.getAttribute('data-score').catch(() => null)) === String(report.score),
      'the score of the service’s report',
    );
    await app.getByText(`Note de sécurité : ${report.score} sur 100`).waitFor({ state: 'attached' });
    expect(await shownStatuses(app, '.health')).toEqual(shownOf(report));

    // Groups: À corriger (critical, then warning), Tout va bien; what could not be verified is one quiet line.
    const group = (g: string) => attrs(app.locator(`[data-group="${g}"] li[data-check-id]`), 'data-status');
    const toFix = await group('toFix');
    expect(toFix.every((s) => s === 'critical' || s === 'warning')).toBe(true);
    expect([...toFix].sort((a, b) => STATUS_SEVERITY[b as HealthStatus] - STATUS_SEVERITY[a as HealthStatus])).toEqual(toFix);
    expect((await group('allGood')).every((s) => s === 'ok')).toBe(true);
    const unknown = report.checks.filter((c) => c.status === 'unknown');
    const line = app.getByTestId('health-unverified');
    if (unknown.length === 0) expect(await line.count()).toBe(0);
    else {
      // Their names, never the tool nor its error (the technician reads those in the console).
      expect(await line.getAttribute('data-count')).toBe(String(unknown.length));
      const said = (await line.textContent())!;
      for (const c of unknown) {
        expect(said).toContain(HEALTH_STRINGS.fr.checks[c.id]);
        expect(said).not.toContain(c.reason!.text.replace(/\.$/, '').slice(0, 40));
      }
      expect(findJargon('unverified', said)).toEqual([]);
    }
    for (const c of report.checks.filter((x) => x.status !== 'unknown')) {
      const li = app.locator(`li[data-check-id="${c.id}"]`);
      const text = renderCheckMessage('fr', c);
      expect(await li.locator('h3').textContent()).toBe(text.title);
      if (text.remediation) expect(await li.locator('.check__todo').textContent()).toContain(text.remediation);
    }
    if (toFix.length > 0) await app.getByRole('heading', { name: /^À corriger/ }).waitFor();

    // English complete: the same checks, in English.
    await app.getByRole('button', { name: 'English' }).click();
    await app.getByRole('button', { name: 'Check now' }).waitFor();
    for (const c of report.checks.filter((x) => x.status !== 'unknown'))
      expect(await app.locator(`li[data-check-id="${c.id}"] h3`).textContent()).toBe(renderCheckMessage('en', c).title);
    await app.getByRole('button', { name: 'Français' }).click();
    await app.getByRole('button', { name: 'Vérifier maintenant' }).waitFor();
  });

  test('the technician logs in (real TOTP) and finds the device in the fleet page with the same score; "Vérifier maintenant" updates both sides live; sort and filters', async () => {
    const report = await latest();
    await signIn();
    await tech.getByRole('link', { name: 'Parc' }).click();
    await tech.getByRole('heading', { name: 'Parc des postes' }).waitFor();

    const row = tech.locator(`tr[data-device-id="${deviceId}"]`);
    await until(
      async () => (await row.getAttribute('data-score').catch(() => null)) === String(report.score),
      'the device’s score in the fleet',
    );
    expect(await row.getAttribute('data-worst')).toBe(report.worst);
    expect(await row.getByTestId('fleet-score').textContent()).toBe(`${report.score}/100`);
    const worst = report.summary.worstCheck;
    if (worst) expect(await row.textContent()).toContain(HEALTH_STRINGS.fr.checks[worst.id as keyof typeof HEALTH_STRINGS.fr.checks]);
    expect(await row.textContent()).toContain(PRACTICE);
    expect(await row.textContent()).toContain('En ligne');

    // "Critiques d'abord" by default: a device with a critical point comes before the one without a report.
    const order = await attrs(tech.locator('tbody tr'), 'data-device-id');
    expect(order).toHaveLength(2);
    if (report.worst === 'critical' || report.worst === 'warning') expect(order[0]).toBe(deviceId);
    else expect(order[1]).toBe(deviceId);

    // "Vérifier maintenant": progress state (recorded by a MutationObserver, whatever the scan's speed),
    // then the new report, equal to the service's.
    await app.evaluate(`(() => {
      const seen = (window.seenScanLabels = []);
      const button = document.querySelector('button.health__scan');
      new MutationObserver(() => seen.push(button.textContent + '|' + button.disabled)).observe(button, { childList: true, characterData: true, subtree: true, attributes: true });
    })()`);
    await app.getByRole('button', { name: 'Vérifier maintenant' }).click();
    const after = await until(async () => {
      const r = await host.health!.latest();
      return r && r.finishedAt !== report.finishedAt && r.trigger === 'manual' ? r : null;
    }, 'a manual scan');
    const score = app.getByTestId('health-score');
    await app.getByRole('button', { name: 'Vérifier maintenant' }).waitFor();
    expect(await app.evaluate('window.seenScanLabels')).toContain('Vérification en cours…|true');
    await until(async () => (await score.getAttribute('data-score')) === String(after.score), 'the new score');
    await until(
      async () =>
        (await app.getByTestId('health-last-check').textContent())?.includes(
          new Intl.DateTimeFormat('fr-FR', { timeStyle: 'short' }).format(new Date(after.finishedAt)),
        ),
      'the new check time',
    );
    expect(await shownStatuses(app, '.health')).toEqual(shownOf(after));
    // The fleet page, open all along, follows the device:report push: new check time, same score as the service's.
    await row.locator(`time[datetime="${after.finishedAt}"]`).waitFor();
    expect(await row.getAttribute('data-score')).toBe(String(after.score));

    // Keyboard: sort by the security column (lowest first), then the other way.
    const scoreHeader = tech.getByRole('columnheader', { name: /Sécurité/ });
    await scoreHeader.getByRole('button').focus();
    await tech.keyboard.press('Enter');
    expect(await scoreHeader.getAttribute('aria-sort')).toBe('ascending');
    await tech.keyboard.press('Enter');
    expect(await scoreHeader.getAttribute('aria-sort')).toBe('descending');

    // Filters: offline only hides this (online) device; the text search finds it; the practice filter too.
    await tech.getByLabel('Hors ligne seulement').check();
    await row.waitFor({ state: 'detached' });
    expect(await tech.locator('tbody tr').count()).toBe(1);
    await tech.getByLabel('Hors ligne seulement').uncheck();
    await tech.getByLabel('Rechercher').fill('accueil');
    await row.waitFor();
    expect(await tech.locator('tbody tr').count()).toBe(1);
    await tech.getByLabel('Rechercher').fill('');
    await tech.getByLabel('Cabinet', { exact: true }).selectOption({ label: 'Maison médicale du Port' });
    await row.waitFor({ state: 'detached' });
    await tech.getByLabel('Cabinet', { exact: true }).selectOption({ label: 'Tous les cabinets' });
    await row.waitFor();
  });

  test('after a help request, the request workspace shows the device’s full report, worst first, with raw evidence on demand', async () => {
    const report = await latest();
    await app.getByRole('tab', { name: 'Assistance' }).click();
    await app.getByRole('button', { name: 'Demander de l’aide' }).click();
    await app.getByRole('heading', { name: 'Demande envoyée' }).waitFor();

    await tech.getByRole('link', { name: /File d’attente/ }).click();
    const card = tech.locator('li.queue-card').filter({ hasText: PRACTICE });
    await card.getByRole('button', { name: 'Accepter' }).click();
    await tech.getByRole('heading', { name: `Demande — ${PRACTICE}` }).waitFor();

    const panel = tech.getByTestId('device-health');
    await until(
      async () =>
        (await panel
          .getByTestId('device-health-score')
          .getAttribute('data-score')
          .catch(() => null)) === String(report.score),
      'the report in the workspace',
    );
    // The request's context snapshot carried the same summary.
    expect(await tech.getByTestId('context').textContent()).toContain(`Score ${report.score}/100`);

    if ((await panel.locator('details.dh-ok').count()) > 0) await panel.locator('details.dh-ok > summary').click(); // "Points en ordre"
    expect(await shownStatuses(tech, '[data-testid="device-health"]')).toEqual(statusesOf(report));
    const shownOrder = await attrs(panel.locator('li[data-check-id]'), 'data-status');
    const severities = shownOrder.map((s) => STATUS_SEVERITY[s as HealthStatus]);
    expect([...severities].sort((a, b) => b - a)).toEqual(severities);

    // What could not be verified: the technician's reason (which tool, which code) beside the raw evidence.
    for (const c of report.checks.filter((x) => x.status === 'unknown' && x.reason)) {
      const reason = panel.locator(`li[data-check-id="${c.id}"]`).getByTestId('check-technical-reason');
      expect(await reason.textContent()).toBe(`Détail technique : ${renderTechnicalReason('fr', c.reason!)}`);
    }

    // Raw evidence, expandable: the first check with evidence shows its command and output.
    const withEvidence =
      report.checks.find((c) => c.evidence.length > 0 && c.status !== 'ok') ?? report.checks.find((c) => c.evidence.length > 0);
    if (withEvidence) {
      const li = panel.locator(`li[data-check-id="${withEvidence.id}"]`);
      await li.locator('details.dh-check__evidence > summary').click();
      await li.locator('.evidence__command').first().waitFor();
      expect(await li.locator('.evidence__command').first().textContent()).toBe(withEvidence.evidence[0]!.command);
    }
    expect(problems).toEqual([]);
  });
});
