import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { IPC_METHODS, err, type IpcMethod } from '@vigie/common';
import type { Logger } from '../platform/ports.js';
import type { Dispatch } from '../services/ipc.js';

/**
 * The one place where renderer calls enter the main process: one handler per contract method,
 * each refusing frames that are not our renderer's top frame, then handing the raw input to the
 * shared dispatch (which parses it with IPC_METHODS and answers a Result).
 */
export function registerIpc(
  ipcMain: IpcMain,
  dispatch: Dispatch,
  isTrusted: (url: string | undefined) => boolean,
  log: Logger,
): () => void {
  const methods = Object.keys(IPC_METHODS) as IpcMethod[];
  for (const method of methods) {
    ipcMain.handle(method, async (event: IpcMainInvokeEvent, input: unknown) => {
      const frame = event.senderFrame;
      if (!frame || frame.parent !== null || !isTrusted(frame.url)) {
        log.warn('IPC refused: untrusted sender', { method, url: frame?.url?.slice(0, 200) });
        return err('FORBIDDEN', 'Appel refusé.');
      }
      return dispatch(method, input);
    });
  }
  return () => methods.forEach((m) => ipcMain.removeHandler(m));
}
