/**
 * A venue whose orders, cancels and replaces leave only once the journal has made durable every engine event up to the
 * one that decided them (the journal is the truth: nothing outside the kernel sees an effect before its event is
 * durable). For venues that outlive the engine (FIX): after a crash the journal then knows every child order the
 * venue can know, so a resumed engine hands each back to the venue (AlgoExecutor.resume) and never issues its id
 * again. Requests keep their order; a `resume`, market data and connection news pass straight through.
 * Cost: each request waits for the group commit in flight (a few milliseconds), not one commit per request.
 */
import type {
  CancelRequest,
  MarketDataListener,
  NewOrderRequest,
  OrderEntryListener,
  OrderEntrySession,
  ReplaceRequest,
  ResumedOrder,
  Venue,
} from "../venue/venue.js";

/** What the gate reads of the journal: how far it is durable, and news as that grows. */
export interface DurableJournal {
  readonly durableSeq: number;
  onDurable(listener: (seq: number) => void): void;
}

/** Holds requests until the journal is durable up to the engine's seq when each was made, and sends them in order. */
export class DurableSends {
  private readonly waiting: { readonly seq: number; readonly send: () => void }[] = [];

  constructor(
    private readonly lastSeq: () => number,
    private readonly journal: DurableJournal,
  ) {
    journal.onDurable((seq) => this.release(seq));
  }

  /** Requests waiting now. */
  get pending(): number {
    return this.waiting.length;
  }

  after(send: () => void): void {
    const seq = this.lastSeq();
    if (this.waiting.length === 0 && seq <= this.journal.durableSeq) send();
    else this.waiting.push({ seq, send });
  }

  private release(durable: number): void {
    while (this.waiting.length > 0 && (this.waiting[0] as { seq: number }).seq <= durable) {
      (this.waiting.shift() as { send: () => void }).send();
    }
  }
}

export class JournalGatedVenue implements Venue {
  constructor(
    private readonly venue: Venue,
    private readonly sends: DurableSends,
  ) {}

  get id(): string {
    return this.venue.id;
  }

  get kind() {
    return this.venue.kind;
  }

  get spec() {
    return this.venue.spec;
  }

  connect(listener: OrderEntryListener): OrderEntrySession {
    const inner = this.venue.connect(listener);
    const sends = this.sends;
    const gated: OrderEntrySession = {
      submit: (order: NewOrderRequest) => sends.after(() => inner.submit(order)),
      cancel: (request: CancelRequest) => sends.after(() => inner.cancel(request)),
      replace: (request: ReplaceRequest) => sends.after(() => inner.replace(request)),
    };
    if (inner.resume !== undefined) gated.resume = (order: ResumedOrder) => inner.resume?.(order);
    return gated;
  }

  subscribe(listener: MarketDataListener): void {
    this.venue.subscribe(listener);
  }

  onConnectionChange(listener: (connected: boolean) => void): void {
    this.venue.onConnectionChange?.(listener);
  }
}
