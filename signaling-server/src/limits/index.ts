export { ConnectionGuard, TokenBucket, type ConnectionLimits, type LimitRefusal } from './rate-limit.js';
export { DEFAULT_CONNECTION_LIMITS, DEFAULT_MAX_ROOM_SIZE, limitsFromRates } from './defaults.js';
export { DESKTOP_APP_ORIGIN, isOriginAllowed, parseOriginList } from './origins.js';
export { limitRoomSize } from './room-size.js';
