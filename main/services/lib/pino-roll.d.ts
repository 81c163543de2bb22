// pino-roll ships no types: the part of its API lib/log-file.ts uses.
declare module 'pino-roll' {
  import type { EventEmitter } from 'node:events';
  interface RollStream extends EventEmitter {
    write(data: string): boolean;
    flushSync(): void;
    end(): void;
  }
  interface RollOptions {
    file: string | (() => string);
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    extension?: string;
    limit?: { count: number; removeOtherLogFiles?: boolean };
    mkdir?: boolean;
    sync?: boolean;
    symlink?: boolean;
  }
  export default function build(options: RollOptions): Promise<RollStream>;
}
