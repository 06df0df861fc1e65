/**
 * A LOBSTER replay driven one message at a time, for a venue that applies recorded messages as its virtual clock
 * reaches them: a cursor over paired message/orderbook batches (lobster-pairs.ts) in front of a `LobsterReplay` with
 * the resync rule. The first orderbook row seeds the book on construction (it is the book after message 1).
 * Skipped (lenient) messages are passed over; a skipped row cannot resync, so its message is applied without it (a
 * level that surfaces there is missed until the next one).
 */
import { UserError } from "../../core/errors.js";
import { type LobsterBookRows, type LobsterMessages, SKIPPED } from "./lobster-format.js";
import { LobsterReplay } from "./lobster-replay.js";

export class LobsterFeed {
  readonly replay: LobsterReplay;
  private messages: LobsterMessages;
  private rows: LobsterBookRows;
  private index = 0;
  private exhausted = false;

  constructor(private readonly batches: Iterator<[LobsterMessages, LobsterBookRows]>) {
    const first = batches.next();
    if (first.done === true) throw new UserError("replay-empty", "the LOBSTER message file is empty");
    [this.messages, this.rows] = first.value;
    this.replay = new LobsterReplay(this.rows.levels, true);
    if (this.rows.skipped[0] === 1 || this.messages.type[0] === SKIPPED) {
      throw new UserError("replay-no-seed", "the first message and orderbook row seed the book and cannot be skipped");
    }
    const m = this.messages;
    // The first row is the book after message 1: apply the message for its order id, then load the row over it.
    this.replay.stepWithoutRow(
      m.type[0] as number,
      m.orderId[0] as number,
      m.size[0] as number,
      m.price[0] as number,
      m.direction[0] as number,
    );
    this.replay.seed(this.rows.data, 0);
    this.advance();
  }

  /** Whether every message has been applied. */
  get done(): boolean {
    return this.exhausted;
  }

  /** Time of the next message, nanoseconds after midnight (NaN when done). */
  get nextTimeNs(): number {
    return this.exhausted ? Number.NaN : (this.messages.timeNs[this.index] as number);
  }

  /** The next message's fields (valid until `apply`). */
  get type(): number {
    return this.messages.type[this.index] as number;
  }
  get orderId(): number {
    return this.messages.orderId[this.index] as number;
  }
  get size(): number {
    return this.messages.size[this.index] as number;
  }
  get price(): number {
    return this.messages.price[this.index] as number;
  }
  get direction(): number {
    return this.messages.direction[this.index] as number;
  }

  /** Applies the next message to the replay (resyncing from its row when a level surfaces) and moves on. */
  apply(): boolean {
    const m = this.messages;
    const i = this.index;
    let surfaced = false;
    if (this.rows.skipped[i] === 1) {
      this.replay.stepWithoutRow(
        m.type[i] as number,
        m.orderId[i] as number,
        m.size[i] as number,
        m.price[i] as number,
        m.direction[i] as number,
      );
    } else {
      const offset = i * this.rows.levels * 4;
      surfaced = this.replay.step(
        m.type[i] as number,
        m.orderId[i] as number,
        m.size[i] as number,
        m.price[i] as number,
        m.direction[i] as number,
        this.rows.data,
        offset,
      );
    }
    this.advance();
    return surfaced;
  }

  private advance(): void {
    for (;;) {
      this.index++;
      if (this.index >= this.messages.count) {
        const next = this.batches.next();
        if (next.done === true) {
          this.exhausted = true;
          return;
        }
        [this.messages, this.rows] = next.value;
        this.index = 0;
      }
      if (this.messages.type[this.index] !== SKIPPED) return;
    }
  }
}
