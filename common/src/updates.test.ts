import { describe, expect, it } from 'vitest';
import { ArtifactName, ConsultationHours, compareSemver, feedFileName, parseSemver, ReleaseVersion } from './updates.js';

describe('semver', () => {
  it('orders versions by semver 2.0.0 precedence, pre-releases before their release', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.1.0-pilot.1',
      '1.1.0',
      '2.0.0',
      '10.0.0',
    ];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect(compareSemver(ordered[i]!, ordered[j]!), `${ordered[i]} vs ${ordered[j]}`).toBe(Math.sign(i - j));
      }
    }
  });

  it('ignores build metadata and accepts a leading v', () => {
    expect(compareSemver('1.2.3+abc', '1.2.3')).toBe(0);
    expect(parseSemver('v1.2.3')).toMatchObject({ major: 1, minor: 2, patch: 3, prerelease: [] });
  });

  it('refuses what is not semver', () => {
    for (const bad of ['1.2', '01.2.3', '1.2.3-', '1.2.3.4', 'latest', '', '1.2.3-01']) expect(parseSemver(bad), bad).toBeNull();
    expect(() => compareSemver('1.2', '1.2.0')).toThrow(/Version invalide/);
  });

  it('release versions exclude build metadata and a leading v', () => {
    expect(ReleaseVersion.safeParse('1.5.0-pilot.1').success).toBe(true);
    expect(ReleaseVersion.safeParse('1.5.0+42').success).toBe(false);
    expect(ReleaseVersion.safeParse('v1.5.0').success).toBe(false);
  });
});

describe('feed names', () => {
  it('follows electron-updater channel file names', () => {
    expect(feedFileName('stable', 'win')).toBe('latest.yml');
    expect(feedFileName('stable', 'mac')).toBe('latest-mac.yml');
    expect(feedFileName('pilot', 'win')).toBe('pilot.yml');
    expect(feedFileName('pilot', 'mac')).toBe('pilot-mac.yml');
  });

  it('artifact names are single safe path segments', () => {
    expect(ArtifactName.safeParse('Vigie-1.2.0-arm64-mac.zip').success).toBe(true);
    for (const bad of ['../etc/passwd', 'a/b.zip', 'a\\b.zip', '.hidden', 'x..zip', 'a b.exe', '%2e%2e', '']) {
      expect(ArtifactName.safeParse(bad).success, bad).toBe(false);
    }
  });
});

describe('consultation hours', () => {
  it('defaults to Europe/Paris and empty days, refuses inverted ranges', () => {
    const h = ConsultationHours.parse({ week: { mon: [{ start: '08:30', end: '12:00' }] } });
    expect(h.timeZone).toBe('Europe/Paris');
    expect(h.week.sun).toEqual([]);
    expect(ConsultationHours.safeParse({ week: { mon: [{ start: '14:00', end: '12:00' }] } }).success).toBe(false);
  });
});
