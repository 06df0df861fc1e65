/**
 * Commands from order sources (the in-process API, order files, and later FIX and HTTP), before validation.
 * Fields arrive as text where a source sends text: quantities are decimal strings of SHARES (a whole number of the
 * instrument's lots), prices decimal strings in the currency, times ISO-8601 UTC strings or microseconds since the
 * epoch. Intake (src/intake/) turns them into integers or refuses them with a reason naming the field.
 */

export interface NewOrderInput {
  /** Unique per source, across new orders and replaces. */
  readonly clOrdId: string;
  readonly source: string;
  readonly account: string;
  readonly symbol: string;
  /** "buy" | "sell". */
  readonly side: string;
  /** Shares, e.g. "250" or "0.5" (must be a whole number of lots). */
  readonly quantity: string;
  /** "market" | "limit". */
  readonly orderType: string;
  /** Required for a limit order, refused on a market order; e.g. "150.25". */
  readonly limitPrice?: string | null | undefined;
  /** "low" | "medium" | "high"; refused together with a strategy other than "auto". */
  readonly urgency?: string | null | undefined;
  /** "twap" | "vwap" | "pov" | "is" | "auto". */
  readonly strategy?: string | null | undefined;
  /** ISO-8601 UTC ("2026-01-05T15:00:00Z") or microseconds since the epoch. */
  readonly startTime?: string | number | null | undefined;
  readonly endTime?: string | number | null | undefined;
  /** A fraction in (0, 1]: "0.1" = at most 10% of market volume. */
  readonly maxParticipation?: string | number | null | undefined;
  /** true/false, or "true"/"false"/"yes"/"no"/"1"/"0"/"y"/"n"; absent = false. */
  readonly allowCross?: boolean | string | null | undefined;
  readonly tags?: Readonly<Record<string, string>> | null | undefined;
}

export interface CancelOrderInput {
  readonly source: string;
  /** Any ClOrdID the order has had. */
  readonly origClOrdId: string;
  /** The cancel request's own ClOrdID (optional; when given it must be new for the source). */
  readonly clOrdId?: string | undefined;
}

export interface ReplaceOrderInput {
  readonly source: string;
  readonly origClOrdId: string;
  /** The order's new ClOrdID: required, unique per source. */
  readonly clOrdId: string;
  /** The new total quantity in shares (cumQty included, as FIX OrderQty); absent keeps it. */
  readonly quantity?: string | undefined;
  /** The new limit price; absent keeps it (a market order cannot be given one). */
  readonly limitPrice?: string | undefined;
}

/** Which orders a kill switch covers. */
export type KillScope =
  | { readonly scope: "global" }
  | { readonly scope: "source"; readonly id: string }
  | { readonly scope: "account"; readonly id: string };

/** An order source and what intake attaches to each of its orders. */
export interface SourceSpec {
  readonly id: string;
  /** "api", "file", "fix", "http", ... (free text, for reports). */
  readonly kind: string;
  readonly metadata?: Readonly<Record<string, string>>;
}
