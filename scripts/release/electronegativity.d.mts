export interface Finding {
  id: string;
  severity: string;
  confidence: string;
  file: string;
  line: number;
  column: number;
  manualReview: boolean;
  description: string;
  url: string;
}
export interface ScanResult {
  findings: Finding[];
  failing: Finding[];
  errors: Array<{ file: string; message: string }>;
}
export const DEFAULT_DIRS: string[];
export const FAILING: string[];
export function scan(dirs?: string[], opts?: { version?: string }): Promise<ScanResult>;
export function format(result: ScanResult): string;
