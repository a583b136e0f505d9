export { createSelfSignedCertificate, DEFAULT_VALIDITY_DAYS, type SelfSignedOptions, type TlsCredentials } from './self-signed.js';
export { fingerprintOf, formatFingerprint, parseFingerprint, spkiHashOf } from './fingerprint.js';
export { CERT_FILE, KEY_FILE, loadOrCreateCertificate, readCertificateFiles, type CertificateStoreOptions, type StoredCertificate } from './store.js';
export { CertificatePinError, createPinnedAgent, probeCertificate, verifyPinnedServer } from './pinning.js';
