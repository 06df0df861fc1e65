/**
 * `Journal` with a companion, committing on its own thread (SQLite): the companion's writes are applied inside the
 * commit of the events appended before them, a waiter (`afterCommit`) hears of the commit that holds what was carried
 * before it asked (not an earlier one), and a read commits what waits first. The FIX store built on this is tested in
 * fix/journal-message-store.test.ts; the journal's other duties in test/journal-sqlite.test.ts and the recovery tests.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sampleDay } from "../../test/journal-fixtures.js";
import { Journal } from "./journal.js";
import type { JournalCompanion } from "./journal-companion.js";
import { SqliteJournalStore } from "./sqlite-journal-store.js";

const dir = mkdtempSync(join(tmpdir(), "tributary-journal-companion-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("Journal with a companion", () => {
  it("commits carried writes with the events before them; a waiter hears of the commit that holds its writes", async () => {
    const store = SqliteJournalStore.open(join(dir, "companion.db"), { mode: "create" });
    const written: { writes: unknown[]; events: number }[] = [];
    const companion: JournalCompanion = {
      open: () => {},
      // Inside the transaction: the events before the writes are already in it.
      write: (writes) => {
        const events = store.database.prepare("SELECT count(*) AS n FROM journal").get() as { n: number };
        written.push({ writes: [...writes], events: events.n });
      },
      read: (request) => ({ request, writes: written.length }),
    };
    const journal = Journal.openSync(store, { companion });
    const [first, second] = sampleDay();
    const said: string[] = [];
    journal.onDurable((seq) => {
      // A listener that carries more and waits: its wait is for the next commit, not this one.
      if (seq !== 1) return;
      journal.carry(["from the listener"]);
      journal.afterCommit((error) => said.push(`listener ${error}`));
    });
    journal.append(first as never);
    journal.carry(["first"]);
    journal.afterCommit((error) => said.push(`first ${error}`));
    expect(said).toEqual([]);
    await turn();
    expect(written).toEqual([{ writes: ["first"], events: 1 }]);
    expect(said).toEqual(["first null"]);
    await turn();
    expect(written.map((w) => w.writes)).toEqual([["first"], ["from the listener"]]);
    expect(said).toEqual(["first null", "listener null"]);
    // Nothing waits: at once.
    journal.afterCommit((error) => said.push(`idle ${error}`));
    expect(said.at(-1)).toBe("idle null");
    // A read commits what waits, then asks the companion.
    journal.append(second as never);
    journal.carry(["second"]);
    expect(journal.read("q")).toEqual({ request: "q", writes: 3 });
    expect(journal.durableSeq).toBe(2);
    journal.closeSync();
  });
});
