import { execFile } from 'node:child_process';
import { join } from 'node:path';

/**
 * Hides a file where a leading dot does not: on Windows, `attrib +h` (the system's own tool, by
 * its full path, no shell); elsewhere nothing (the tripwire's control files already start with a dot).
 */
export function hideFile(path: string): Promise<void> {
  if (process.platform !== 'win32') return Promise.resolve();
  const attrib = join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'attrib.exe');
  return new Promise((resolve, reject) => {
    execFile(attrib, ['+h', path], { windowsHide: true, timeout: 10_000 }, (err) => (err ? reject(err) : resolve()));
  });
}
