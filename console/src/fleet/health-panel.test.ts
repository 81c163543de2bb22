import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { renderTechnicalReason, renderUnknownReason, type CheckResult, type Locale } from '@vigie/common';
import { createI18n } from '../i18n';
import { CheckItem } from './DeviceHealthPanel';

const unverified: CheckResult = {
  id: 'firewall',
  status: 'unknown',
  title: 'Vérification impossible : Pare-feu',
  explanation: 'x',
  remediation: null,
  message: { key: 'unknown', params: {} },
  reason: { code: 'command-failed', params: { command: 'ufw status', exitCode: 127 }, text: 'x' },
  evidence: [
    { command: 'ufw status', stdout: '', stderr: 'ufw: command not found', exitCode: 127, durationMs: 12, truncated: false, failure: null },
  ],
  durationMs: 12,
};

const render = (check: CheckResult, locale: Locale) =>
  renderToStaticMarkup(createElement(I18nextProvider, { i18n: createI18n(locale) }, createElement(CheckItem, { check, locale })));

describe('a device’s security check in the console', () => {
  it('gives the technician the reason an unverified check could not be checked (tool, code), beside the raw evidence, in both languages', () => {
    const fr = render(unverified, 'fr');
    expect(fr).toContain(`<strong>Détail technique :</strong> ${renderTechnicalReason('fr', unverified.reason!)}`);
    expect(fr).toContain('« ufw status »');
    expect(fr).toContain('(code 127)');
    // The practitioner's plain sentence is still there, and says neither the tool nor the code.
    expect(renderUnknownReason('fr', 'command-failed', unverified.reason!.params)).not.toContain('ufw');
    const en = render(unverified, 'en');
    expect(en).toContain('Technical detail:');
    expect(en).toContain('the tool “ufw status” reported an error (code 127).');
    expect(en.indexOf('Technical detail:')).toBeLessThan(en.indexOf('ufw: command not found'));
  });

  it('says nothing technical for a check that was verified', () => {
    const ok: CheckResult = { ...unverified, status: 'ok', message: { key: 'unknown', params: {} }, reason: null, evidence: [] };
    expect(render(ok, 'en')).not.toContain('Technical detail');
  });
});
