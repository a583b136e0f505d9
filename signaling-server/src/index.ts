export { createSignalingServer, DEFAULT_CHAT_RETENTION_MS, DEFAULT_PING_INTERVAL_MS, DEFAULT_PING_TIMEOUT_MS } from './app.js';
export type { SignalingDeps, SignalingOptions, SignalingServer } from './app.js';
export type { IceConfig } from './ice/ice-servers.js';
export { createWebClientHandler } from './http/web-client.js';
export { createOpsHandler, type OpsOptions } from './ops/ops-handler.js';
export { ServerMetrics } from './ops/metrics.js';
export type { Logger } from './logger.js';
export { MemoryStore } from './store/memory-store.js';
export { SqliteStore } from './store/sqlite-store.js';
export type { ServerStore, MeetingRecord, RecordStore } from './store/store.js';
export { storedRecords, type StoredRecords } from './records/reader.js';
export { participantIdFromSecret } from './rooms/identity.js';
export { consoleLogger, silentLogger } from './logger.js';
export {
  CertificatePinError,
  createPinnedAgent,
  createSelfSignedCertificate,
  fingerprintOf,
  formatFingerprint,
  loadOrCreateCertificate,
  parseFingerprint,
  probeCertificate,
  readCertificateFiles,
  spkiHashOf,
  verifyPinnedServer,
} from './tls/index.js';
export type { CertificateStoreOptions, SelfSignedOptions, StoredCertificate, TlsCredentials } from './tls/index.js';
export { startSfu, DEFAULT_SFU_PROCESS_OPTIONS, type RunningSfu } from './sfu/gateway.js';
export { childLauncher, createChildLauncher } from './sfu/child-launcher.js';
export type { SfuChannel, SfuLauncher, SfuProcessOptions, SfuStats, SfuCommand, SfuEvent } from './sfu/control.js';
export { SfuCommandSchema, SfuEventSchema, SfuProcessOptionsSchema } from './sfu/control.js';
export type { SfuGateway } from './rooms/sfu-gateway.js';
