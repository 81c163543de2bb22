/**
 * Remote-control software Vigie recognises, by what each leaves on a machine: a Windows service
 * (name or display name), a Windows process, a macOS launchd job file. `term` is what the
 * practitioner reads (a HEALTH_TERMS code, or the product's own name); the technician sees the
 * matched service, process or file in the evidence. Patterns hold no double quote and no
 * backslash: the Windows probe puts their union inside a PowerShell single-quoted string.
 */
export interface RemoteTool {
  term: string;
  /** Windows service name or display name. */
  service?: RegExp;
  /** Windows process name (portable copies run without a service). */
  process?: RegExp;
  /** macOS file in /Library/LaunchDaemons or /Library/LaunchAgents. */
  launchd?: RegExp;
}

export const REMOTE_TOOLS: readonly RemoteTool[] = [
  { term: 'TeamViewer', service: /^TeamViewer/i, process: /^TeamViewer(_Service)?$/i, launchd: /^com\.teamviewer\./i },
  { term: 'AnyDesk', service: /^AnyDesk/i, process: /^AnyDesk$/i, launchd: /^com\.philandro\.anydesk/i },
  { term: 'RustDesk', service: /^RustDesk/i, process: /^RustDesk$/i, launchd: /rustdesk/i },
  {
    term: 'vnc',
    service: /^(vncserver|tvnserver|uvnc_service|winvnc|TigerVNC|RealVNC)/i,
    process: /^(winvnc|tvnserver|vncserver)/i,
    launchd: /^com\.realvnc\.|vncserver/i,
  },
  { term: 'ssh', service: /^sshd$/i, process: /^sshd$/i },
  { term: 'Chrome Remote Desktop', service: /^chromoting$/i, process: /^remoting_host$/i, launchd: /chromoting/i },
  { term: 'Splashtop', service: /^Splashtop/i, launchd: /splashtop/i },
  { term: 'ScreenConnect', service: /^ScreenConnect Client/i, launchd: /screenconnect|connectwisecontrol/i },
  { term: 'LogMeIn', service: /^LogMeIn/i, launchd: /^com\.logmein\./i },
];

/** The tools whose pattern of `kind` matches one of `names`, in REMOTE_TOOLS order, each once. */
export function toolsMatching(kind: 'service' | 'process' | 'launchd', names: readonly string[]): string[] {
  return REMOTE_TOOLS.filter((t) => {
    const re = t[kind];
    return re !== undefined && names.some((n) => re.test(n));
  }).map((t) => t.term);
}

/** One regular expression (PowerShell `-match`, case-insensitive) for every pattern of `kind`. */
export function unionPattern(kind: 'service' | 'process'): string {
  return REMOTE_TOOLS.flatMap((t) => (t[kind] ? [`(${t[kind]!.source})`] : [])).join('|');
}
