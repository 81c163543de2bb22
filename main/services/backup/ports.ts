/**
 * What the backup service needs from the machine, beyond the app-wide ports (Logger, SecretStore,
 * Notifier in platform/ports.ts). Node adapters live in node-adapters.ts; time is @vigie/common's
 * Clock. Tests inject their own clock, and may wrap the spawner (to run restic without some privileges, for example).
 */
export type { Logger, Notifier, SecretStore } from '../../platform/ports.js';

export interface ReadableLike {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (e: Error) => void): unknown;
  resume(): unknown;
}

export interface WritableLike {
  end(data?: string): unknown;
  on(event: 'error', listener: (e: Error) => void): unknown;
}

/** A started child process: the subset of Node's ChildProcess the engine uses. */
export interface ChildLike {
  readonly pid?: number | undefined;
  readonly stdout: ReadableLike | null;
  readonly stderr: ReadableLike | null;
  readonly stdin: WritableLike | null;
  kill(signal?: NodeJS.Signals): boolean;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  on(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  on(event: 'error', listener: (e: Error) => void): unknown;
}

export interface SpawnOptions {
  /** The complete environment of the child (nothing is inherited implicitly). */
  env: Record<string, string>;
  cwd?: string;
}

/** Starts processes. Node adapter: child_process.spawn without a shell. */
export interface ProcessSpawner {
  spawn(command: string, args: readonly string[], options: SpawnOptions): ChildLike;
}

/** Opens a folder in the OS file manager (Electron: shell.openPath, which answers '' or an error text). */
export interface Shell {
  openPath(path: string): Promise<string>;
}
