/**
 * The FIX order gateway: the application on top of the FIX sessions of the order management systems that send us
 * client orders. Each configured session is one order source of the engine (source = the session's id), so FIX
 * orders go through the same intake (normalise, validate, risk, kill switch) as every other source:
 * - NewOrderSingle (D) -> `engine.submit`; OrderCancelRequest (F) -> `engine.cancel`; OrderCancelReplaceRequest (G)
 *   -> `engine.replace`; OrderStatusRequest (H) answers from the engine's order state (ExecType I);
 * - the engine's events for the session's source come back: `execution-report` -> ExecutionReport (8) per client
 *   order (ExecType, OrdStatus, CumQty, LeavesQty, AvgPx, LastQty, LastPx, LastMkt), `order-rejected` ->
 *   ExecutionReport ExecType=8 with OrdRejReason (103), `cancel-rejected` -> OrderCancelReject (9);
 * - any other application message: BusinessMessageReject (j) "Unsupported Message Type";
 * - a session configured with role "drop-copy" is no order source: it gets a copy of every execution (trade report)
 *   of every source, with CopyMsgIndicator (797=Y) and the source in tag 9102, and any message it sends is refused.
 * Every refusal names the field in Text (58) as "Name (tag): why"; a field the dictionary refuses (missing required
 * tag, bad format, bad enumerated value) is refused earlier by the session layer with a Reject (3) and RefTagID (371).
 *
 * Numbers never pass through floating point on the way in: OrderQty (38), Price (44) and ParticipationRate (849) are
 * decimal strings handed to intake as they are (trailing fractional zeros trimmed, as text). On the way out, lots and
 * price units are formatted exactly by the instrument; AvgPx is a float (analytics), printed with 4 more decimals than
 * the instrument's price precision.
 *
 * A session sees and can amend only its own orders: the engine keys ClOrdIDs per source. A NewOrderSingle resent with
 * PossDupFlag=Y for a ClOrdID the engine knows is answered with the order's status (ExecType I), not executed again. Each session has a throttle
 * (application messages per one-second window); a message over it is refused (ExecutionReport / OrderCancelReject /
 * BusinessMessageReject with Text "throttle: ...") without reaching the engine.
 *
 * Durable acknowledgement: with `durability` (the journal), the answer to an engine event is stored in the FIX message
 * store as soon as the engine decides (with the read that caused it, in one store commit), carrying the event's seq,
 * and leaves once both the store's commit and the journal's commit of the event are durable: the two fsyncs run side
 * by side on their threads instead of one after the other. Everything a session sends leaves in order behind it
 * (session.ts), so no answer overtakes another. After a crash, the store's `forgetSentAfter(journal head)` drops the
 * stored answers whose events the journal lost (they never left): service.ts, before the sessions start. Without
 * `durability` answers leave once stored.
 *
 * Known limits: FIX 4.2 sessions have no Logon password (Password 554 is FIX 4.4); no OrderMassCancelRequest, no
 * ExecutionReport PossResend handling beyond the session layer's; a replace may not change Side, Symbol or OrdType
 * (they are ignored).
 */
import type { Clock } from "../core/clock.js";
import type { Engine } from "../engine/engine.js";
import type { NewOrderInput, SourceSpec } from "../model/client-commands.js";
import type { CancelRejected, ClientExecutionReport, EngineEvent, OrderRejected } from "../model/client-events.js";
import type { ClientExecType, ClientOrder, ClientOrdStatus } from "../model/client-order.js";
import type { OrderRejectReason } from "../model/client-order-reasons.js";
import type { Instrument } from "../model/instrument.js";
import { AppTag } from "./app-tags.js";
import { decodeFix, type FixMessage } from "./codec.js";
import type { FieldDef, FixDictionary } from "./dictionary.js";
import { dictionaryFor } from "./fix-dictionaries.js";
import { formatUtcTimestamp, parseUtcTimestamp } from "./fix-time.js";
import { logonPasswordProblem, sha256Hex } from "./logon-password.js";
import type { FixMessageStore } from "./message-store.js";
import type { OrderGatewayConfig, OrderSessionConfig } from "./order-gateway-config.js";
import { type FixApplication, type FixField, FixSession } from "./session.js";
import { BusinessRejectReason, MsgType, Tag } from "./tags.js";

/** Tributary's user-defined tags (FIX reserves 5000-9999 for bilateral use). */
export const CustomTag = {
  /** "low" | "medium" | "high": how fast the engine should work the order (strategy auto or absent). */
  Urgency: 9100,
  /** Y/N: the order may be crossed internally against opposite client orders at the midpoint. */
  AllowCross: 9101,
  /** On a drop copy: the order source (session or HTTP source) the execution belongs to. */
  Source: 9102,
} as const;

/** The application tags the gateway reads and writes. */
export const OrderTag = AppTag;

/** TargetStrategy (847): FIX's 1-3, and Tributary's user-defined values (1000 and up, as FIX allows). */
export const TARGET_STRATEGIES: Readonly<Record<string, string>> = {
  "1": "vwap",
  "2": "pov",
  "3": "is",
  "1000": "twap",
  "1001": "auto",
};

/** Intake's field names (model/client-order-reasons.ts refusals) as FIX fields. */
const FIELD_TAGS: Readonly<Record<string, readonly [string, number]>> = {
  cl_ord_id: ["ClOrdID", OrderTag.ClOrdID],
  orig_cl_ord_id: ["OrigClOrdID", OrderTag.OrigClOrdID],
  account: ["Account", OrderTag.Account],
  symbol: ["Symbol", OrderTag.Symbol],
  side: ["Side", OrderTag.Side],
  quantity: ["OrderQty", OrderTag.OrderQty],
  order_type: ["OrdType", OrderTag.OrdType],
  limit_price: ["Price", OrderTag.Price],
  time_in_force: ["TimeInForce", OrderTag.TimeInForce],
  urgency: ["Urgency", CustomTag.Urgency],
  strategy: ["TargetStrategy", OrderTag.TargetStrategy],
  start_time: ["EffectiveTime", OrderTag.EffectiveTime],
  end_time: ["ExpireTime", OrderTag.ExpireTime],
  max_participation: ["ParticipationRate", OrderTag.ParticipationRate],
  allow_cross: ["AllowCross", CustomTag.AllowCross],
};

/** "Symbol (55): unknown symbol ..." for a refusal naming a field; the message alone otherwise. */
export function fixRefusalText(field: string | null, message: string): string {
  const fix = field === null ? undefined : FIELD_TAGS[field];
  return fix === undefined ? message : `${fix[0]} (${fix[1]}): ${message}`;
}

const EXEC_TYPE: Readonly<Record<ClientExecType, string>> = {
  new: "0",
  trade: "F",
  canceled: "4",
  replaced: "5",
  expired: "C",
  "pending-cancel": "6",
  "pending-replace": "E",
};

const ORD_STATUS: Readonly<Record<ClientOrdStatus, string>> = {
  new: "0",
  "partially-filled": "1",
  filled: "2",
  canceled: "4",
  expired: "C",
  "pending-cancel": "6",
  "pending-replace": "E",
};

function ordRejReason(reason: OrderRejectReason): number {
  switch (reason) {
    case "unknown-symbol":
      return 1;
    case "duplicate-cl-ord-id":
      return 6;
    case "kill-switch":
      return 0;
    case "session-closed":
      return 2;
    case "restricted-symbol":
    case "max-order-quantity":
    case "max-order-notional":
    case "price-collar":
    case "account-gross-notional":
    case "source-gross-notional":
      return 3;
    default:
      return 99;
  }
}

function cxlRejReason(reason: CancelRejected["reason"]): number {
  switch (reason) {
    case "too-late-to-cancel":
      return 0;
    case "unknown-order":
      return 1;
    case "already-pending":
      return 3;
    case "duplicate-cl-ord-id":
      return 6;
    default:
      return 99;
  }
}

/** The built-in dictionary of a version plus Tributary's user-defined tags, so the session layer accepts them. */
export function orderGatewayDictionary(beginString: string): FixDictionary {
  const base = dictionaryFor(beginString);
  if (base === undefined) throw new Error(`no FIX dictionary for ${beginString}`);
  const custom = new Map<number, FieldDef>([
    [CustomTag.Urgency, { name: "Urgency", type: "STRING", values: new Set(["low", "medium", "high"]) }],
    [CustomTag.AllowCross, { name: "AllowCross", type: "BOOLEAN" }],
  ]);
  const fields = new Map(base.fields);
  for (const [tag, def] of custom) fields.set(tag, def);
  if (beginString === "FIX.4.4") {
    fields.set(OrderTag.EffectiveTime, { name: "EffectiveTime", type: "UTCTIMESTAMP" });
    fields.set(OrderTag.TargetStrategy, { name: "TargetStrategy", type: "INT" });
    fields.set(OrderTag.ParticipationRate, { name: "ParticipationRate", type: "FLOAT" });
  }
  return { ...base, fields, isKnownTag: (tag) => custom.has(tag) || base.isKnownTag(tag) };
}

/** Trailing fractional zeros off a decimal string ("100.00" -> "100", "1.50" -> "1.5"), as text. */
function trimDecimal(text: string | undefined): string | undefined {
  if (text === undefined || !text.includes(".")) return text;
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 48) end--;
  if (end > 0 && text.charCodeAt(end - 1) === 46) end--;
  return end === 0 ? "0" : text.slice(0, end);
}

interface SessionState {
  readonly config: OrderSessionConfig;
  session: FixSession | null;
  windowStart: number;
  windowCount: number;
  rejectedByThrottle: number;
}

/** What makes engine events durable (the journal: `Journal.durableSeq` and `Journal.onDurable`). */
export interface Durability {
  /** The last event seq known to be durable. */
  readonly durableSeq: number;
  /** Called with the last seq of every committed batch. */
  onDurable(listener: (seq: number) => void): void;
}

export interface OrderGatewayOptions {
  readonly clock: Clock;
  readonly log?: (line: string) => void;
  /**
   * When given, the FIX answer to an engine event (acknowledgement, fill, cancel, reject) is held until the event is
   * durable (DESIGN.md: a client hears of an order only once it survives a crash); group commit keeps the cost in
   * throughput, not per-order latency. Absent: answers leave as soon as the engine has decided.
   */
  readonly durability?: Durability;
  /**
   * Where orders the engine has released from memory are read back (the journal), for status requests and cancel
   * rejects about them. Absent: the engine releases none.
   */
  readonly released?: { find(source: string, clOrdId: string): { readonly order: ClientOrder } | null } | null;
  /**
   * The trading session's close (µs since the epoch). Every order here is a Day order (TimeInForce 0, or absent, which
   * FIX reads as Day): without ExpireTime (126) it ends at the close, where the engine expires what is left of it with
   * an execution report; with the session's `defaults.durationSeconds` it ends at the earlier of the two. A
   * NewOrderSingle at or after the close is refused (OrdRejReason 2, exchange closed). Absent: no session close (an
   * order without ExpireTime or a default duration has no end time).
   */
  readonly sessionClose?: number;
}

/** An ExecutionReport before FIX 4.3: it carries ExecTransType (20), and a trade is ExecType 1 or 2, not F. */
function beforeFix43(session: FixSession): boolean {
  return session.beginString < "FIX.4.3";
}

export class OrderGateway implements FixApplication {
  private readonly bySource = new Map<string, SessionState>();
  /** The drop-copy sessions (role "drop-copy"). */
  private readonly dropCopies: SessionState[] = [];
  private readonly bySession = new Map<string, SessionState>();
  /** The message being handled (engine events during it are its answers: a reject ER needs its Side, OrderQty). */
  private current: FixMessage | null = null;
  private nextExecId = 1;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly engine: Engine,
    readonly config: OrderGatewayConfig,
    private readonly options: OrderGatewayOptions,
  ) {
    for (const c of config.sessions) {
      const state = { config: c, session: null, windowStart: 0, windowCount: 0, rejectedByThrottle: 0 };
      this.bySource.set(c.id, state);
      if (c.role === "drop-copy") this.dropCopies.push(state);
    }
    this.unsubscribe = engine.on((event) => this.onEngineEvent(event));
    options.durability?.onDurable(() => {
      for (const state of this.bySource.values()) state.session?.upstreamDurable();
    });
  }

  /** The engine's order sources for a gateway config (give them to the Engine before creating the gateway). */
  static sources(config: OrderGatewayConfig): SourceSpec[] {
    return config.sessions
      .filter((s) => s.role === "orders")
      .map((s) => ({
        id: s.id,
        kind: "fix",
        metadata: { beginString: s.beginString, senderCompId: s.senderCompId, targetCompId: s.targetCompId },
      }));
  }

  /**
   * After a restart: per order source, the highest engine ExecID number (`X<n>`) among the ExecutionReports its session
   * stored as sent (0: none). Reports of journaled events beyond it never reached the store (the process died between
   * the journal's commit and the report's release): `redeliver` sends them.
   */
  deliveredExecIds(store: FixMessageStore): Map<string, number> {
    const out = new Map<string, number>();
    for (const state of this.bySource.values()) {
      if (state.config.role !== "orders" || state.session === null) continue;
      const next = store.seqNums(state.session.id).nextSenderMsgSeqNum;
      let last = 0;
      for (const stored of store.sentBetween(state.session.id, 1, next)) {
        const decoded = decodeFix(stored.raw);
        if (!decoded.ok || decoded.message.msgType !== "8") continue;
        const execId = decoded.message.get(OrderTag.ExecID) ?? "";
        const n = execId.startsWith("X") ? Number(execId.slice(1)) : Number.NaN;
        if (Number.isSafeInteger(n) && n > last) last = n;
      }
      out.set(state.config.id, last);
    }
    return out;
  }

  /** Sends the ExecutionReport of a journaled event its session never got (recovery; the event is durable). */
  redeliver(event: ClientExecutionReport): void {
    const state = this.bySource.get(event.source);
    if (state?.session == null || state.config.role !== "orders") return;
    state.session.send("8", this.executionReport(state.session, event));
  }

  /** One FIX session per configured session, with this gateway as its application. */
  createSessions(store: FixMessageStore): FixSession[] {
    const sessions: FixSession[] = [];
    for (const state of this.bySource.values()) {
      const c = state.config;
      const session = new FixSession(
        { beginString: c.beginString, senderCompId: c.senderCompId, targetCompId: c.targetCompId },
        {
          clock: this.options.clock,
          store,
          ...(this.options.durability ? { upstream: this.options.durability } : {}),
          dictionary: orderGatewayDictionary(c.beginString),
          application: this,
          ...(this.options.log ? { log: this.options.log } : {}),
        },
      );
      state.session = session;
      this.bySession.set(session.id, state);
      sessions.push(session);
    }
    return sessions;
  }

  /** Stops listening to the engine. */
  close(): void {
    this.unsubscribe();
  }

  /** Messages refused by the throttle so far, per source. */
  throttled(source: string): number {
    return this.bySource.get(source)?.rejectedByThrottle ?? 0;
  }

  // ---- FixApplication --------------------------------------------------------------------------------------------

  refuseLogon(session: FixSession, logon: FixMessage): string | null {
    const state = this.bySession.get(session.id);
    if (state === undefined) return "unknown session";
    const { password, passwordSha256 } = state.config;
    if (password === undefined && passwordSha256 === undefined) return null;
    return logonPasswordProblem(logon, passwordSha256 ?? sha256Hex(password as string));
  }

  onMessage(session: FixSession, message: FixMessage): void {
    const state = this.bySession.get(session.id);
    if (state === undefined) return;
    const now = this.options.clock.now();
    if (now - state.windowStart >= 1_000_000) {
      state.windowStart = now;
      state.windowCount = 0;
    }
    if (++state.windowCount > state.config.maxMessagesPerSecond) {
      state.rejectedByThrottle++;
      this.throttleReject(session, state, message);
      return;
    }
    this.current = message;
    try {
      if (state.config.role === "drop-copy") {
        session.sendBusinessReject(message, BusinessRejectReason.Other, "drop-copy session: it takes no orders");
        return;
      }
      switch (message.msgType) {
        case MsgType.NewOrderSingle:
          // A resend (PossDupFlag=Y) of an order the engine already has: the session delivers it again when the
          // journal's commit of the order landed before a crash and the store's commit of its MsgSeqNum did not.
          // It is answered with the order's status, neither executed twice nor refused as a duplicate ClOrdID.
          if (message.getFlag(Tag.PossDupFlag) && this.orderOf(state.config.id, message.get(OrderTag.ClOrdID) ?? "")) {
            this.statusRequest(session, state, message);
          } else this.newOrder(state, message);
          break;
        case "F":
          this.engine.cancel({
            source: state.config.id,
            origClOrdId: message.get(OrderTag.OrigClOrdID) ?? "",
            clOrdId: message.get(OrderTag.ClOrdID) ?? "",
          });
          break;
        case "G": {
          const quantity = trimDecimal(message.get(OrderTag.OrderQty));
          const limitPrice = trimDecimal(message.get(OrderTag.Price));
          this.engine.replace({
            source: state.config.id,
            origClOrdId: message.get(OrderTag.OrigClOrdID) ?? "",
            clOrdId: message.get(OrderTag.ClOrdID) ?? "",
            ...(quantity === undefined ? {} : { quantity }),
            ...(limitPrice === undefined ? {} : { limitPrice }),
          });
          break;
        }
        case "H":
          this.statusRequest(session, state, message);
          break;
        default:
          session.sendBusinessReject(message, BusinessRejectReason.UnsupportedMessageType);
      }
    } finally {
      this.current = null;
    }
  }

  // ---- incoming --------------------------------------------------------------------------------------------------

  private newOrder(state: SessionState, m: FixMessage): boolean {
    const c = state.config;
    const source = c.id;
    const clOrdId = m.get(OrderTag.ClOrdID) ?? "";
    const account = m.get(OrderTag.Account) ?? c.defaultAccount ?? "";
    const symbol = m.get(OrderTag.Symbol) ?? "";
    const refuse = (reason: OrderRejectReason, field: string | null, message: string): false => {
      this.engine.recordReject({ source, clOrdId, account, symbol }, { reason, field, message });
      return false;
    };
    const close = this.options.sessionClose;
    if (close !== undefined && this.options.clock.now() >= close) {
      return refuse("session-closed", null, `the trading session closed at ${formatUtcTimestamp(close)}`);
    }

    if (account === "") return refuse("missing-field", "account", "missing (and the session has no defaultAccount)");
    if (c.accounts !== undefined && !c.accounts.includes(account)) {
      return refuse("invalid-account", "account", `account ${JSON.stringify(account)} is not allowed on this session`);
    }
    const sideCode = m.get(OrderTag.Side);
    const side = sideCode === "1" ? "buy" : sideCode === "2" ? "sell" : null;
    if (side === null)
      return refuse("invalid-side", "side", `only 1 (Buy) and 2 (Sell) are supported, got ${sideCode}`);
    const typeCode = m.get(OrderTag.OrdType);
    const orderType = typeCode === "1" ? "market" : typeCode === "2" ? "limit" : null;
    if (orderType === null) {
      return refuse("invalid-order-type", "order_type", `only 1 (Market) and 2 (Limit) are supported, got ${typeCode}`);
    }
    const tif = m.get(OrderTag.TimeInForce);
    if (tif !== undefined && tif !== "0") {
      return refuse("invalid-order-type", "time_in_force", `only 0 (Day) is supported, got ${tif}`);
    }
    let strategy: string | undefined = c.defaults.strategy;
    const strategyCode = m.get(OrderTag.TargetStrategy);
    if (strategyCode !== undefined) {
      strategy = TARGET_STRATEGIES[strategyCode];
      if (strategy === undefined) {
        return refuse(
          "invalid-strategy",
          "strategy",
          `expected 1 (VWAP), 2 (POV), 3 (IS), 1000 (TWAP) or 1001 (auto), got ${strategyCode}`,
        );
      }
    }
    const urgency = m.get(CustomTag.Urgency) ?? (strategyCode === undefined ? c.defaults.urgency : undefined);
    let startTime: number | undefined;
    const effective = m.get(OrderTag.EffectiveTime);
    if (effective !== undefined) {
      startTime = parseUtcTimestamp(effective);
      if (Number.isNaN(startTime)) return refuse("invalid-time", "start_time", `not a UTCTimestamp: ${effective}`);
    }
    let endTime: number | undefined;
    const expire = m.get(OrderTag.ExpireTime);
    if (expire !== undefined) {
      endTime = parseUtcTimestamp(expire);
      if (Number.isNaN(endTime)) return refuse("invalid-time", "end_time", `not a UTCTimestamp: ${expire}`);
    } else if (c.defaults.durationSeconds !== undefined) {
      endTime = Math.max(startTime ?? 0, this.options.clock.now()) + Math.round(c.defaults.durationSeconds * 1e6);
      if (close !== undefined) endTime = Math.min(endTime, close);
    } else {
      endTime = close;
    }
    const input: NewOrderInput = {
      clOrdId,
      source,
      account,
      symbol,
      side,
      quantity: trimDecimal(m.get(OrderTag.OrderQty)) ?? "",
      orderType,
      limitPrice: trimDecimal(m.get(OrderTag.Price)) ?? null,
      urgency: urgency ?? null,
      strategy: strategy ?? null,
      startTime: startTime ?? null,
      endTime: endTime ?? null,
      maxParticipation: trimDecimal(m.get(OrderTag.ParticipationRate)) ?? null,
      allowCross: m.get(CustomTag.AllowCross) ?? null,
    };
    return this.engine.submit(input).ok;
  }

  private statusRequest(session: FixSession, state: SessionState, m: FixMessage): void {
    const clOrdId = m.get(OrderTag.ClOrdID) ?? "";
    const order = this.orderOf(state.config.id, clOrdId);
    const reqId = m.get(OrderTag.OrdStatusReqID);
    const tail: FixField[] = reqId === undefined ? [] : [[OrderTag.OrdStatusReqID, reqId]];
    if (order === undefined) {
      session.send("8", [
        [OrderTag.OrderID, "NONE"],
        [OrderTag.ClOrdID, clOrdId],
        [OrderTag.ExecID, this.gatewayExecId()],
        ...this.execTransType(session),
        [OrderTag.ExecType, session.beginString >= "FIX.4.4" ? "I" : "8"],
        [OrderTag.OrdStatus, "8"],
        [OrderTag.Symbol, m.get(OrderTag.Symbol) ?? "NONE"],
        [OrderTag.Side, m.get(OrderTag.Side) ?? "1"],
        [OrderTag.LeavesQty, 0],
        [OrderTag.CumQty, 0],
        [OrderTag.AvgPx, 0],
        [OrderTag.Text, `ClOrdID (11): no order ${JSON.stringify(clOrdId)} on this session`],
        ...tail,
      ]);
      return;
    }
    const instrument = this.instrument(order.symbol);
    const status = ORD_STATUS[order.ordStatus];
    const body: FixField[] = [
      [OrderTag.OrderID, order.orderId],
      [OrderTag.ClOrdID, order.clOrdId],
      [OrderTag.ExecID, this.gatewayExecId()],
      ...this.execTransType(session, "3"),
      [OrderTag.ExecType, session.beginString >= "FIX.4.4" ? "I" : status],
      [OrderTag.OrdStatus, status],
      [OrderTag.Account, order.account],
      [OrderTag.Symbol, order.symbol],
      [OrderTag.Side, order.side === "buy" ? "1" : "2"],
      [OrderTag.OrdType, order.ordType === "market" ? "1" : "2"],
      [OrderTag.OrderQty, instrument.formatQuantity(order.orderQty)],
    ];
    if (order.limitPrice !== null) body.push([OrderTag.Price, instrument.formatPrice(order.limitPrice)]);
    body.push(
      [OrderTag.LeavesQty, instrument.formatQuantity(order.leavesQty)],
      [OrderTag.CumQty, instrument.formatQuantity(order.cumQty)],
      [OrderTag.AvgPx, formatAvgPx(instrument, order.avgPx)],
      [OrderTag.TransactTime, formatUtcTimestamp(this.options.clock.now())],
      ...tail,
    );
    session.send("8", body);
  }

  private throttleReject(session: FixSession, state: SessionState, m: FixMessage): void {
    const text = `throttle: more than ${state.config.maxMessagesPerSecond} messages per second on this session`;
    this.options.log?.(`${session.id}: ${text}: refused ${m.msgType} ${m.get(OrderTag.ClOrdID) ?? ""}`);
    switch (m.msgType) {
      case MsgType.NewOrderSingle:
        session.send("8", [
          [OrderTag.OrderID, "NONE"],
          [OrderTag.ClOrdID, m.get(OrderTag.ClOrdID) ?? ""],
          [OrderTag.ExecID, this.gatewayExecId()],
          ...this.execTransType(session),
          [OrderTag.ExecType, "8"],
          [OrderTag.OrdStatus, "8"],
          [OrderTag.OrdRejReason, 99],
          [OrderTag.Symbol, m.get(OrderTag.Symbol) ?? "NONE"],
          [OrderTag.Side, m.get(OrderTag.Side) ?? "1"],
          ...optional(OrderTag.OrderQty, m.get(OrderTag.OrderQty)),
          [OrderTag.LeavesQty, 0],
          [OrderTag.CumQty, 0],
          [OrderTag.AvgPx, 0],
          [OrderTag.Text, text],
        ]);
        return;
      case "F":
      case "G": {
        const order = this.orderOf(state.config.id, m.get(OrderTag.OrigClOrdID) ?? "");
        const clOrdId = m.get(OrderTag.ClOrdID) ?? "";
        const orig = m.get(OrderTag.OrigClOrdID) ?? "";
        session.send(
          "9",
          this.cancelRejectBody(m.msgType === "F" ? "cancel" : "replace", clOrdId, orig, order, 99, text),
        );
        return;
      }
      default:
        session.sendBusinessReject(m, BusinessRejectReason.Other, text);
    }
  }

  // ---- outgoing: engine events -----------------------------------------------------------------------------------

  /** The engine's events for our sources become FIX messages (leaving once durable when there is a `durability`). */
  private onEngineEvent(event: EngineEvent): void {
    if (event.type === "execution-report") {
      const state = this.bySource.get(event.source);
      if (state?.session) this.deliver(state.session, event.seq, "8", this.executionReport(state.session, event));
      if (event.execType === "trade") {
        for (const copy of this.dropCopies) {
          if (copy.session === null) continue;
          const body = this.executionReport(copy.session, event);
          body.push([OrderTag.CopyMsgIndicator, "Y"], [CustomTag.Source, event.source]);
          this.deliver(copy.session, event.seq, "8", body);
        }
      }
    } else if (event.type === "order-rejected") {
      const state = this.bySource.get(event.source);
      if (state?.session) this.deliver(state.session, event.seq, "8", this.orderReject(state.session, event));
    } else if (event.type === "cancel-rejected") {
      const state = this.bySource.get(event.source);
      if (state?.session) this.deliver(state.session, event.seq, "9", this.cancelReject(state, event));
    }
  }

  /** Sends (stores and numbers) now; with a `durability`, it leaves once its event is durable too. */
  private deliver(session: FixSession, seq: number, msgType: string, body: FixField[]): void {
    if (this.options.durability === undefined) session.send(msgType, body);
    else session.send(msgType, body, { after: seq });
  }

  private executionReport(session: FixSession, e: ClientExecutionReport): FixField[] {
    const instrument = this.instrument(e.symbol);
    const status = ORD_STATUS[e.ordStatus];
    let execType = EXEC_TYPE[e.execType];
    if (execType === "F" && beforeFix43(session)) execType = e.ordStatus === "filled" ? "2" : "1";
    const body: FixField[] = [
      [OrderTag.OrderID, e.orderId],
      [OrderTag.ClOrdID, e.clOrdId],
    ];
    if (e.origClOrdId !== null) body.push([OrderTag.OrigClOrdID, e.origClOrdId]);
    body.push([OrderTag.ExecID, e.execId]);
    if (beforeFix43(session)) body.push([OrderTag.ExecTransType, "0"]);
    body.push(
      [OrderTag.ExecType, execType],
      [OrderTag.OrdStatus, status],
      [OrderTag.Account, e.account],
      [OrderTag.Symbol, e.symbol],
      [OrderTag.Side, e.side === "buy" ? "1" : "2"],
      [OrderTag.OrdType, e.ordType === "market" ? "1" : "2"],
      [OrderTag.OrderQty, instrument.formatQuantity(e.orderQty)],
    );
    if (e.price !== null) body.push([OrderTag.Price, instrument.formatPrice(e.price)]);
    if (e.execType === "trade") {
      body.push(
        [OrderTag.LastQty, instrument.formatQuantity(e.lastQty)],
        [OrderTag.LastPx, instrument.formatPrice(e.lastPx)],
      );
      if (e.lastMkt !== null) body.push([OrderTag.LastMkt, e.lastMkt]);
    }
    body.push(
      [OrderTag.LeavesQty, instrument.formatQuantity(e.leavesQty)],
      [OrderTag.CumQty, instrument.formatQuantity(e.cumQty)],
      [OrderTag.AvgPx, formatAvgPx(instrument, e.avgPx)],
      [OrderTag.TransactTime, formatUtcTimestamp(e.time)],
    );
    if (e.text !== null) body.push([OrderTag.Text, e.text]);
    return body;
  }

  private orderReject(session: FixSession, e: OrderRejected): FixField[] {
    const m = this.current;
    const body: FixField[] = [
      [OrderTag.OrderID, "NONE"],
      [OrderTag.ClOrdID, e.clOrdId === "" ? "NONE" : e.clOrdId],
      [OrderTag.ExecID, this.gatewayExecId()],
      ...this.execTransType(session),
      [OrderTag.ExecType, "8"],
      [OrderTag.OrdStatus, "8"],
      [OrderTag.OrdRejReason, ordRejReason(e.reason)],
      ...optional(OrderTag.Account, e.account),
      [OrderTag.Symbol, e.symbol === "" ? "NONE" : e.symbol],
      [OrderTag.Side, m?.get(OrderTag.Side) ?? "1"],
      ...optional(OrderTag.OrdType, m?.get(OrderTag.OrdType)),
      ...optional(OrderTag.OrderQty, m?.get(OrderTag.OrderQty)),
      ...optional(OrderTag.Price, m?.get(OrderTag.Price)),
      [OrderTag.LeavesQty, 0],
      [OrderTag.CumQty, 0],
      [OrderTag.AvgPx, 0],
      [OrderTag.TransactTime, formatUtcTimestamp(e.time)],
      [OrderTag.Text, fixRefusalText(e.field, e.message)],
    ];
    return body;
  }

  private cancelReject(state: SessionState, e: CancelRejected): FixField[] {
    const order = this.orderOf(state.config.id, e.origClOrdId);
    const text = fixRefusalText(e.field, e.message);
    const reason = cxlRejReason(e.reason);
    return this.cancelRejectBody(e.responseTo, e.clOrdId, e.origClOrdId, order, reason, text);
  }

  private cancelRejectBody(
    responseTo: "cancel" | "replace",
    clOrdId: string,
    origClOrdId: string,
    order: ClientOrder | undefined,
    reason: number,
    text: string,
  ): FixField[] {
    return [
      [OrderTag.OrderID, order === undefined ? "NONE" : order.orderId],
      [OrderTag.ClOrdID, clOrdId === "" ? "NONE" : clOrdId],
      [OrderTag.OrigClOrdID, origClOrdId === "" ? "NONE" : origClOrdId],
      [OrderTag.OrdStatus, order === undefined ? "8" : ORD_STATUS[order.ordStatus]],
      [OrderTag.CxlRejResponseTo, responseTo === "cancel" ? "1" : "2"],
      [OrderTag.CxlRejReason, reason],
      [OrderTag.Text, text],
    ];
  }

  /** The order a session knows by `clOrdId`: held by the engine, or released and read back from the journal. */
  private orderOf(source: string, clOrdId: string): ClientOrder | undefined {
    return this.engine.order(source, clOrdId) ?? this.options.released?.find(source, clOrdId)?.order;
  }

  private execTransType(session: FixSession, value = "0"): FixField[] {
    return beforeFix43(session) ? [[OrderTag.ExecTransType, value]] : [];
  }

  private gatewayExecId(): string {
    return `G${this.nextExecId++}`;
  }

  private instrument(symbol: string): Instrument {
    const instrument = this.engine.instruments.get(symbol);
    if (instrument === undefined) throw new Error(`execution report for unknown symbol ${symbol}`);
    return instrument;
  }
}

function optional(tag: number, value: string | undefined | null): FixField[] {
  return value === undefined || value === null || value === "" ? [] : [[tag, value]];
}

/** AvgPx (a float in price units) in the currency, 4 decimals finer than the price units, trailing zeros trimmed. */
export function formatAvgPx(instrument: Instrument, avgPxUnits: number): string {
  if (avgPxUnits === 0) return "0";
  const text = (avgPxUnits / 10 ** instrument.pricePrecision).toFixed(Math.min(20, instrument.pricePrecision + 4));
  return trimDecimal(text) as string;
}
