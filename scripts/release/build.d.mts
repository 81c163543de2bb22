import type { SigningCheck } from './check-signing.mjs';
export const ROOT: string;
export const LOCAL_TEST_OVERRIDES: string[];
export interface BuildStep {
  name: string;
  cmd: string;
  args: string[];
  env: Record<string, string>;
}
export interface BuildPlan {
  ok: boolean;
  target?: string;
  signing: SigningCheck;
  missingRestic: string[];
  steps: BuildStep[];
}
export function plan(target: string, env?: Record<string, string | undefined>): BuildPlan;
