export * from './result.js';
export * from './domain.js';
export * from './http.js';
export * from './socket.js';
export * from './backup-relay.js';
export * from './ipc/index.js';
export * from './i18n.js';
export * from './updates.js';
