/** Sizes the server enforces on every payload; clients use them to validate before sending. */
export const LIMITS = {
  /** Largest JSON payload of any single event, in bytes (SDP included). */
  maxPayloadBytes: 64 * 1024,
  /** Largest SDP accepted in an offer or answer. */
  maxSdpChars: 48 * 1024,
  maxCandidateChars: 1024,
  maxNameChars: 64,
  maxRoomChars: 64,
  maxPasscodeChars: 64,
  maxChatChars: 2000,
  /** Messages in one page of chat history. */
  maxHistoryPage: 100,
  /** Reactions a participant may send per `reactionWindowMs`. */
  maxReactions: 6,
  reactionWindowMs: 3000,
  /** Chat messages a participant may send: a burst, then this many per second. */
  chatBurst: 30,
  chatPerSecond: 5,
  /** What one meeting's chat may hold. */
  maxChatMessagesPerMeeting: 5000,
  maxChatBytesPerMeeting: 5 * 1024 * 1024,
} as const;
