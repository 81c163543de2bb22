import { afterEach, describe, expect, it, vi } from 'vitest';
import { err, ok, type BackupStatus, type Result } from '@vigie/common';
import type { Logger } from '../lib/log';
import type { TechClient } from '../lib/socket';
import { BackupConsole, scopeKey } from './controller';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
const status = { headline: 'ok' } as unknown as BackupStatus;

/** A hub client whose answers are scripted per event, in order (the last one repeats). */
function scripted(answers: Record<string, Array<Result<unknown>>>) {
  const calls: string[] = [];
  const client = {
    request: (event: string) => {
      calls.push(event);
      const list = answers[event]!;
      return Promise.resolve(list.length > 1 ? list.shift()! : list[0]!);
    },
  } as unknown as TechClient;
  return { client, calls };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the console’s view of a device’s backups', () => {
  const scope = { accessId: 'a1' };

  it('asks a device that was too busy to answer again, with back-off, until it answers', async () => {
    vi.useFakeTimers();
    const { client, calls } = scripted({
      'backup:status': [err('TIMEOUT', 'busy'), err('TIMEOUT', 'busy'), ok(status)],
      'backup:snapshots': [ok([])],
    });
    const bc = new BackupConsole(client, quiet);
    await bc.load(scope);
    const entry = () => bc.store.getState().byScope[scopeKey(scope)]!;
    expect(entry().error?.code).toBe('TIMEOUT'); // said meanwhile
    expect(entry().status).toBeNull();
    await vi.runOnlyPendingTimersAsync();
    expect(entry().error?.code).toBe('TIMEOUT');
    await vi.runOnlyPendingTimersAsync();
    expect(entry().status).toBe(status);
    expect(entry().error).toBeNull();
    expect(calls.filter((c) => c === 'backup:status')).toHaveLength(3);
    // Answered: nothing more is scheduled.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not ask again what will not change by waiting (refused), nor more than a few times', async () => {
    vi.useFakeTimers();
    const refused = scripted({ 'backup:status': [err('FORBIDDEN', 'no')], 'backup:snapshots': [ok([])] });
    await new BackupConsole(refused.client, quiet).load(scope);
    expect(vi.getTimerCount()).toBe(0);

    const busy = scripted({ 'backup:status': [err('TIMEOUT', 'busy')], 'backup:snapshots': [err('TIMEOUT', 'busy')] });
    await new BackupConsole(busy.client, quiet).load(scope);
    for (let i = 0; i < 10; i++) await vi.runOnlyPendingTimersAsync();
    expect(busy.calls.filter((c) => c === 'backup:status')).toHaveLength(5); // the first ask and 4 more
  });

  it('stops asking once the section is gone', async () => {
    vi.useFakeTimers();
    const busy = scripted({ 'backup:status': [err('TIMEOUT', 'busy')], 'backup:snapshots': [ok([])] });
    const bc = new BackupConsole(busy.client, quiet);
    await bc.load(scope);
    bc.reset();
    await vi.runOnlyPendingTimersAsync();
    expect(busy.calls.filter((c) => c === 'backup:status')).toHaveLength(1);
  });
});
