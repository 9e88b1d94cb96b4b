export * from './achievements.js';
export * from './centres.js';
export * from './clients.js';
export * from './credentials.js';
export * from './keys.js';
export * from './registry.js';
export * from './status.js';
