/** What the chat restart and cluster specs check of every scenario's report (specs only: it asserts with vitest). */
import { expect } from 'vitest';
import type { ScenarioReport } from './ledger';

/** Nothing lost, duplicated, out of order or wrongly receipted, and something was actually said. */
export function expectNothingLost(r: ScenarioReport): void {
  expect(r.details).toEqual([]);
  expect({ lost: r.lost, duplicated: r.duplicated, misordered: r.misordered, dishonestReceipts: r.dishonestReceipts }).toEqual({
    lost: 0,
    duplicated: 0,
    misordered: 0,
    dishonestReceipts: 0,
  });
  expect(r.messages).toBeGreaterThan(0);
}
