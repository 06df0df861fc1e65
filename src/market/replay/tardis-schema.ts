/**
 * The CSV schemas of Tardis.dev's downloadable datasets (https://docs.tardis.dev/downloadable-csv-files) and of
 * Binance's depth snapshot/update CSVs, recognised by their header line. Each schema lists its columns in order; a
 * file whose header is not one of these is refused with the header it has.
 *
 * Numbers: Tardis writes prices and amounts as plain decimals of varying length; they are parsed exactly at 8 decimals
 * (10^-8, finer than any tick or lot in the samples) and a value with more significant decimals is refused. Timestamps
 * are microseconds since the epoch (Tardis) or milliseconds (Binance CSV), kept as written.
 */

export type TardisSchema = "incremental_book_L2" | "book_snapshot" | "trades" | "quotes" | "binance_depth";

export const TARDIS_DECIMALS = 8;

export interface SchemaMatch {
  readonly schema: TardisSchema;
  readonly columns: readonly string[];
  /** Levels per side of a book_snapshot_N file, 0 otherwise. */
  readonly levels: number;
}

const FIXED: readonly (readonly [TardisSchema, readonly string[]])[] = [
  [
    "incremental_book_L2",
    ["exchange", "symbol", "timestamp", "local_timestamp", "is_snapshot", "side", "price", "amount"],
  ],
  ["trades", ["exchange", "symbol", "timestamp", "local_timestamp", "id", "side", "price", "amount"]],
  [
    "quotes",
    ["exchange", "symbol", "timestamp", "local_timestamp", "ask_amount", "ask_price", "bid_price", "bid_amount"],
  ],
  [
    "binance_depth",
    ["symbol", "timestamp", "first_update_id", "last_update_id", "side", "update_type", "price", "qty", "pu"],
  ],
];

const SNAPSHOT_PREFIX = ["exchange", "symbol", "timestamp", "local_timestamp"];

/** The schema whose header is `columns`, or null. */
export function detectSchema(columns: readonly string[]): SchemaMatch | null {
  for (const [schema, expected] of FIXED) {
    if (sameColumns(columns, expected)) return { schema, columns: expected, levels: 0 };
  }
  const rest = columns.length - SNAPSHOT_PREFIX.length;
  if (rest > 0 && rest % 4 === 0 && sameColumns(columns.slice(0, SNAPSHOT_PREFIX.length), SNAPSHOT_PREFIX)) {
    const levels = rest / 4;
    const expected = [...SNAPSHOT_PREFIX];
    for (let i = 0; i < levels; i++) {
      expected.push(`asks[${i}].price`, `asks[${i}].amount`, `bids[${i}].price`, `bids[${i}].amount`);
    }
    if (sameColumns(columns, expected)) return { schema: "book_snapshot", columns: expected, levels };
  }
  return null;
}

export const KNOWN_SCHEMAS =
  "incremental_book_L2, book_snapshot_N, trades, quotes (Tardis.dev) or Binance depth snapshot/update CSV";

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}
