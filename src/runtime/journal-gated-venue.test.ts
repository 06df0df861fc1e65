/**
 * DurableSends: a request leaves at once when the journal is durable up to the engine's seq, else waits for it; waiting
 * requests leave in the order they were made, each once its own seq is durable (not before, not the later ones).
 */
import { describe, expect, it } from "vitest";
import { type DurableJournal, DurableSends } from "./journal-gated-venue.js";

class HandJournal implements DurableJournal {
  durableSeq = 0;
  private readonly listeners: ((seq: number) => void)[] = [];
  onDurable(listener: (seq: number) => void): void {
    this.listeners.push(listener);
  }
  commit(seq: number): void {
    this.durableSeq = seq;
    for (const listener of this.listeners) listener(seq);
  }
}

describe("DurableSends", () => {
  it("holds each request until the journal has its events, and sends them in order", () => {
    const journal = new HandJournal();
    let seq = 0;
    const sends = new DurableSends(() => seq, journal);
    const sent: string[] = [];
    sends.after(() => sent.push("at-0")); // nothing to wait for
    expect(sent).toEqual(["at-0"]);
    seq = 3;
    sends.after(() => sent.push("a"));
    seq = 5;
    sends.after(() => sent.push("b"));
    sends.after(() => sent.push("c"));
    expect(sent).toEqual(["at-0"]);
    expect(sends.pending).toBe(3);
    journal.commit(4);
    expect(sent).toEqual(["at-0", "a"]);
    journal.commit(5);
    expect(sent).toEqual(["at-0", "a", "b", "c"]);
    // Nothing waits and its seq is durable: it goes at once.
    sends.after(() => sent.push("d"));
    expect(sent.at(-1)).toBe("d");
  });

  it("a request made while older ones wait goes after them even when its seq is durable", () => {
    const journal = new HandJournal();
    let seq = 2;
    const sends = new DurableSends(() => seq, journal);
    const sent: string[] = [];
    sends.after(() => sent.push("first"));
    journal.durableSeq = 2; // durable, but the worker's news has not arrived yet
    seq = 2;
    sends.after(() => sent.push("second"));
    expect(sent).toEqual([]);
    journal.commit(2);
    expect(sent).toEqual(["first", "second"]);
  });
});
