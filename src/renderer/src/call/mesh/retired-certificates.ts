/** How many replaced connections per participant we still recognise (and ignore) by certificate. */
const RETIRED_KEPT = 4;

/**
 * Per participant, the DTLS certificates of their side of connections we replaced. Whatever still
 * comes from those (a late answer, a restart offer on the way) would hijack the new connection,
 * which would then check against a closed peer forever: it is dropped.
 */
export class RetiredCertificates {
  private readonly retired = new Map<string, string[]>();

  retire(id: string, fingerprint: string | null): void {
    if (fingerprint) this.retired.set(id, [...(this.retired.get(id) ?? []), fingerprint].slice(-RETIRED_KEPT));
  }

  isRetired(id: string, fingerprint: string | null): boolean {
    return fingerprint !== null && (this.retired.get(id)?.includes(fingerprint) ?? false);
  }

  forget(id: string): void {
    this.retired.delete(id);
  }
}
