import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS, HealthReport, renderCheckMessage } from '@vigie/common';
import { silentLogger } from '../lib/logger.js';
import { createNodeHealthService } from './node.js';
import { PRACTITIONER_JARGON, RecordingNotifier } from './test-support/index.js';

/** The real Linux probes on this machine, end to end, as the app wires them. */
describe.runIf(process.platform === 'linux')('health on this Linux machine', () => {
  it('returns a complete report: every check present, an unknown only with its reason', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vigie-health-e2e-'));
    try {
      const service = createNodeHealthService({ dataDir, notifier: new RecordingNotifier(), logger: silentLogger });
      const report = await service.scan();
      expect(HealthReport.safeParse(report).success).toBe(true);
      expect(report.os.family).toBe('linux');
      expect(report.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
      for (const c of report.checks) {
        expect(c.title.length, c.id).toBeGreaterThan(0);
        expect(c.explanation.length, c.id).toBeGreaterThan(0);
        if (c.status === 'unknown') {
          expect(c.reason?.code, c.id).toBeTruthy();
          expect(c.reason?.text.length, c.id).toBeGreaterThan(0);
        } else {
          expect(c.reason, c.id).toBeNull();
        }
        if (c.id !== 'backup-recency') expect(c.evidence.length, c.id).toBeGreaterThan(0);
        const en = renderCheckMessage('en', c);
        expect(en.title, c.id).not.toBe(c.title);
        // This machine (root, no systemd, no ufw, no Secure Boot variable…) in the practitioner's words:
        // plain in both languages; the commands stay in the evidence for the technician.
        for (const t of [c, en]) expect(`${t.title} ${t.explanation} ${t.remediation ?? ''}`, c.id).not.toMatch(PRACTITIONER_JARGON);
        if (c.reason) expect(c.reason.text, c.id).not.toMatch(PRACTITIONER_JARGON);
      }
      // What this machine really is: a Debian system whose root file system is a plain disk,
      // with pending apt updates listed and a readable df.
      const byId = new Map(report.checks.map((c) => [c.id, c]));
      expect(byId.get('disk-space')?.status).not.toBe('unknown');
      expect(byId.get('admin-user')?.status).not.toBe('unknown');
      expect(byId.get('remote-access')?.status).not.toBe('unknown');
      expect(byId.get('os-updates')?.evidence[0]?.command).toContain('apt list --upgradable');
      expect(
        report.summary.counts.ok + report.summary.counts.warning + report.summary.counts.critical + report.summary.counts.unknown,
      ).toBe(CHECK_IDS.length);
      expect(await service.latest()).toEqual(report);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
