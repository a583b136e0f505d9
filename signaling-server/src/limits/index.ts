export { ConnectionGuard, TokenBucket, type ConnectionLimits, type LimitRefusal } from './rate-limit.js';
export { DEFAULT_CONNECTION_LIMITS, DEFAULT_MAX_ROOM_SIZE, limitsFromRates } from './defaults.js';
export { DESKTOP_APP_ORIGIN, isOriginAllowed, ownHostNames, parseOriginList } from './origins.js';
export { AddressBook, clientAddress, DEFAULT_ADDRESS_LIMITS, type AddressLimits } from './address.js';
export { addressGroup } from './address-group.js';
