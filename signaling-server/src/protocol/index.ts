export * from './version.js';
export * from './limits.js';
export * from './schemas.js';
export * from './chat.js';
export * from './presence.js';
export * from './access.js';
export * from './server-events.js';
export type * from './events.js';
export { CLIENT_EVENTS, HOST_EVENTS } from './events.js';
