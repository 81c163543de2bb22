export interface SigningCheck {
  ok: boolean;
  localTest: boolean;
  problems: string[];
  notes: string[];
}
export function checkSigning(platform: string, env?: Record<string, string | undefined>): SigningCheck;
export function report(
  platform: string,
  result: SigningCheck,
  out?: { write(s: string): unknown },
  err?: { write(s: string): unknown },
): number;
