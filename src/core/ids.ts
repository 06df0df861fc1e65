/**
 * Identifiers that are unique within their issuer and reproducible: a prefix and a counter. Two runs with the same
 * inputs issue the same ids in the same order, which keeps simulation output byte-identical. The counter is a safe
 * integer; 2^53 ids are more than any run issues.
 */
export class IdSequence {
  private next = 1;

  constructor(readonly prefix: string) {}

  /** The next id's number, without the prefix. */
  nextNumber(): number {
    return this.next++;
  }

  /** How many ids it has issued. */
  get issued(): number {
    return this.next - 1;
  }

  /** Continues a sequence that has issued ids up to `last` (recovery from a journal). */
  continueAfter(last: number): void {
    if (last >= this.next) this.next = last + 1;
  }

  nextId(): string {
    return `${this.prefix}${this.next++}`;
  }
}
