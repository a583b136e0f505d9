/** Bumped whenever a change to the protocol would confuse an older peer. */
export const PROTOCOL_VERSION = 1;
