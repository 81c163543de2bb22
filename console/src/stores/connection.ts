import { createStore } from 'zustand/vanilla';
import type { ConnectionStatus } from '../lib/socket';

export interface ConnectionState {
  status: ConnectionStatus;
  /** True once the socket has been connected at least once in this session. */
  everConnected: boolean;
}

export const createConnectionStore = () => createStore<ConnectionState>()(() => ({ status: 'idle', everConnected: false }));
export type ConnectionStore = ReturnType<typeof createConnectionStore>;
