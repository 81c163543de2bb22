/** The admin CLIs' arguments: each option is taken out of `args` as it is read, so what is left is the rest. */
import { VigieError } from '@vigie/common';

/** Whether `name` was given (taken out of `args`). */
export function takeFlag(args: string[], name: string): boolean {
  const i = args.indexOf(name);
  if (i < 0) return false;
  args.splice(i, 1);
  return true;
}

/** The value after `name` when given (both taken out of `args`); `name` with no value after it is refused. */
export function takeOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new VigieError('BAD_REQUEST', `${name} needs a value`);
  args.splice(i, 2);
  return v;
}
