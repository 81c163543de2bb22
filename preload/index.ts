/**
 * Sandboxed preload: exposes window.vigie, built from the contract (named methods only). Every
 * call goes to the main process by its method name; pushes are delivered only for names of
 * IPC_PUSH. No Node, no Electron object reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_PUSH, buildVigieApi, type IpcPush } from '@vigie/common';

const api = buildVigieApi(
  (method, input) => ipcRenderer.invoke(method, input),
  (name: IpcPush, listener) => {
    if (!Object.prototype.hasOwnProperty.call(IPC_PUSH, name)) return () => undefined;
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(name, wrapped);
    return () => void ipcRenderer.removeListener(name, wrapped);
  },
);

contextBridge.exposeInMainWorld('vigie', api);
