/**
 * Fixtures for the engine tests: the fixture instruments (ACME whole shares at $150, NRTH round lots of 100 at $40,
 * PNNY lots of 0.0001 share at $5; see sim-fixtures.ts), a virtual clock at START, a quote source the test sets by
 * hand, an engine with two sources (OMS, FILE) that records every event, and a parser for the pipe tables that the
 * scenario tests are written in. Everything is deterministic.
 */

import { VirtualScheduler } from "../src/core/scheduler.js";
import { Engine } from "../src/engine/engine.js";
import type { EngineOptions } from "../src/engine/engine-options.js";
import { ORDER_FILE_FIELDS } from "../src/intake/order-row.js";
import type { NewOrderInput } from "../src/model/client-commands.js";
import type { ClientExecutionReport, EngineEvent } from "../src/model/client-events.js";
import type { Instrument } from "../src/model/instrument.js";
import { parseReferenceData } from "../src/model/reference-data.js";
import { config, START } from "./sim-fixtures.js";

export { START };

export const INSTRUMENTS: ReadonlyMap<string, Instrument> = parseReferenceData(config(), "test").instruments;

export function instrument(symbol: string): Instrument {
  const found = INSTRUMENTS.get(symbol);
  if (found === undefined) throw new Error(`no instrument ${symbol}`);
  return found;
}

/** Price text -> units ("150.01" -> 1500100 for ACME). */
export function px(text: string, symbol = "ACME"): number {
  const parsed = instrument(symbol).parsePrice(text);
  if (!parsed.ok) throw new Error(`bad price ${text}: ${parsed.reason}`);
  return parsed.value;
}

/** A quote source whose NBBO the test sets. */
export class TestQuotes {
  private readonly quotes = new Map<string, { bid: number; ask: number }>();
  private readonly listeners: ((symbol: string) => void)[] = [];

  set(symbol: string, bid: string, ask: string): void {
    this.quotes.set(symbol, { bid: px(bid, symbol), ask: px(ask, symbol) });
    for (const listener of this.listeners) listener(symbol);
  }

  nbbo(symbol: string): { bid: number; ask: number } {
    return this.quotes.get(symbol) ?? { bid: Number.NaN, ask: Number.NaN };
  }

  onChange(listener: (symbol: string) => void): void {
    this.listeners.push(listener);
  }
}

export interface TestEngine {
  readonly engine: Engine;
  readonly scheduler: VirtualScheduler;
  readonly quotes: TestQuotes;
  readonly events: EngineEvent[];
  /** Submits with defaults: source OMS, account A1, ACME, buy, limit orders need limit_price. */
  submit(fields: Partial<NewOrderInput>): ReturnType<Engine["submit"]>;
  reports(clOrdId?: string): ClientExecutionReport[];
  ofType<T extends EngineEvent["type"]>(type: T): Extract<EngineEvent, { type: T }>[];
}

export function testEngine(options: Partial<EngineOptions> = {}): TestEngine {
  const scheduler = new VirtualScheduler(START);
  const quotes = new TestQuotes();
  quotes.set("ACME", "149.99", "150.01");
  quotes.set("NRTH", "39.99", "40.01");
  quotes.set("PNNY", "4.99", "5.01");
  const engine = new Engine({
    instruments: INSTRUMENTS,
    scheduler,
    quotes,
    sources: [
      { id: "OMS", kind: "api", metadata: { desk: "equities" } },
      { id: "FILE", kind: "file" },
    ],
    audit: true,
    ...options,
  });
  const events: EngineEvent[] = [];
  engine.on((event) => events.push(event));
  let n = 0;
  return {
    engine,
    scheduler,
    quotes,
    events,
    submit(fields) {
      n++;
      return engine.submit({
        clOrdId: `O${n}`,
        source: "OMS",
        account: "A1",
        symbol: "ACME",
        side: "buy",
        quantity: "100",
        orderType: fields.limitPrice === undefined || fields.limitPrice === null ? "market" : "limit",
        ...fields,
      });
    },
    reports(clOrdId) {
      return events.filter(
        (e): e is ClientExecutionReport =>
          e.type === "execution-report" && (clOrdId === undefined || e.clOrdId === clOrdId),
      );
    },
    ofType(type) {
      return events.filter((e) => e.type === type) as never;
    },
  };
}

/**
 * A pipe table: the first line names the columns, each next line is a row; blank cells are undefined.
 *   | cl_ord_id | side | quantity |
 *   | A         | buy  | 100      |
 */
export function table(text: string): Record<string, string | undefined>[] {
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !/^\|?[\s-|]+\|?$/.test(line));
  const cells = (line: string): string[] =>
    line
      .replace(/^\|/, "")
      .replace(/\|$/, "")
      .split("|")
      .map((c) => c.trim());
  const [head, ...rows] = lines;
  if (head === undefined) return [];
  const columns = cells(head);
  return rows.map((line) => {
    const values = cells(line);
    const row: Record<string, string | undefined> = {};
    columns.forEach((column, i) => {
      const value = values[i];
      row[column] = value === undefined || value === "" ? undefined : value;
    });
    return row;
  });
}

/** NewOrderInput fields from a table row with order-file column names. */
export function orderFromRow(row: Record<string, string | undefined>): Partial<NewOrderInput> {
  const input: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    const key = ORDER_FILE_FIELDS[column];
    if (key !== undefined && value !== undefined) input[key] = value;
  }
  return input as Partial<NewOrderInput>;
}
