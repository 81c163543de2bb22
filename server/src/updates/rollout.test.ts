import { describe, expect, it } from 'vitest';
import { rolloutTransition, servedRelease, type ChannelPointer } from './rollout.js';

describe('rolloutTransition: a channel pointer, pure', () => {
  const at = (version: string, stagingPercentage: number): ChannelPointer => ({ version, stagingPercentage });

  it('a first publish points the empty channel, written then audited as a publish', () => {
    expect(rolloutTransition(null, { type: 'point', via: 'publish', version: '1.2.0', stagingPercentage: 10 })).toEqual({
      ok: true,
      state: at('1.2.0', 10),
      effects: [{ type: 'write' }, { type: 'audit', action: 'updates.publish', from: null, to: 10 }],
    });
  });

  it('a newer or the same version moves the pointer; an older one is refused (devices never go back)', () => {
    expect(rolloutTransition(at('1.2.0', 0), { type: 'point', via: 'promote', version: '1.3.0', stagingPercentage: 100 })).toMatchObject({
      ok: true,
      state: at('1.3.0', 100),
      effects: [{ type: 'write' }, { type: 'audit', action: 'updates.promote', from: 0, to: 100 }],
    });
    expect(rolloutTransition(at('1.2.0', 50), { type: 'point', via: 'publish', version: '1.2.0', stagingPercentage: 50 })).toMatchObject({
      ok: true,
      state: at('1.2.0', 50),
    });
    expect(rolloutTransition(at('1.10.0', 50), { type: 'point', via: 'publish', version: '1.9.0', stagingPercentage: 100 })).toEqual({
      ok: false,
      refusal: 'older-version',
    });
  });

  it('the share moves on the version in force: 0 is a halt, anything else a rollout (resume included)', () => {
    expect(rolloutTransition(at('2.0.0', 20), { type: 'set-percentage', stagingPercentage: 0 })).toEqual({
      ok: true,
      state: at('2.0.0', 0),
      effects: [{ type: 'write' }, { type: 'audit', action: 'updates.halt', from: 20, to: 0 }],
    });
    expect(rolloutTransition(at('2.0.0', 0), { type: 'set-percentage', stagingPercentage: 50 })).toMatchObject({
      state: at('2.0.0', 50),
      effects: [{ type: 'write' }, { type: 'audit', action: 'updates.rollout', from: 0, to: 50 }],
    });
  });

  it('no share to move on a channel where nothing is published', () => {
    expect(rolloutTransition(null, { type: 'set-percentage', stagingPercentage: 100 })).toEqual({
      ok: false,
      refusal: 'nothing-published',
    });
  });
});

describe('servedRelease: what a feed serves among its channels', () => {
  it('the newest not halted, else the newest; nothing when nothing is published', () => {
    const pilot = { channel: 'pilot', version: '1.3.0', staging_percentage: 0 };
    const stable = { channel: 'stable', version: '1.2.0', staging_percentage: 100 };
    expect(servedRelease([stable, pilot])).toBe(stable);
    expect(servedRelease([stable, { ...pilot, staging_percentage: 5 }])).toMatchObject({ channel: 'pilot' });
    expect(servedRelease([{ ...stable, staging_percentage: 0 }, pilot])).toBe(pilot);
    expect(servedRelease([])).toBeNull();
  });
});
