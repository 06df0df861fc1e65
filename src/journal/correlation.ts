/**
 * Correlation and causation of a journal record, derived from the event's content alone, so any event type (today's
 * and those added later) is indexed without code here: a field named `parentId`, `buyParentId` or `sellParentId`
 * links the record to a parent order; `orderId`, and the `orderId` of each entry of `allocations`, to client orders;
 * `clOrdId` / `origClOrdId` (with `source`) to the client's own ids; `childId` to a child order.
 * Causation (the seq of the event that caused this one) is derived where the content says it: a `fill-allocated`
 * is caused by the `parent-filled` with the same `fillId`; an `execution-report` trade by the `fill-allocated` just
 * before it that gave its order lots; an `execution-report` new by the `order-accepted` of its order. Otherwise null.
 * Invariant: the deriver is deterministic over the event sequence, so verification re-derives exactly what was
 * written. Limits: causation state is the last few events, so it needs the records in seq order from seq 1.
 */

/** A client id an event names: registered in the client-id index so `--order CL_ORD_ID` finds it. */
export interface ClientRef {
  readonly clOrdId: string;
  /** The order source; "" when the event names none. */
  readonly source: string;
  readonly orderId: number | null;
}

export interface Correlation {
  readonly source: string | null;
  readonly parentIds: readonly number[];
  readonly orderIds: readonly number[];
  /** Client ids introduced or referred to by this event (not repeated for every report of a known order). */
  readonly clientRefs: readonly ClientRef[];
  readonly childId: string | null;
}

const NONE: readonly never[] = [];

function int(value: unknown): number | null {
  return typeof value === "number" && Number.isSafeInteger(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** What an event (or a parsed payload) is about. */
export function correlationOf(event: Readonly<Record<string, unknown>>): Correlation {
  const source = str(event.source);
  let parentIds: number[] | readonly never[] = NONE;
  const parentId = int(event.parentId);
  const buyParentId = int(event.buyParentId);
  const sellParentId = int(event.sellParentId);
  if (parentId !== null || buyParentId !== null || sellParentId !== null) {
    const list: number[] = [];
    if (parentId !== null) list.push(parentId);
    if (buyParentId !== null && !list.includes(buyParentId)) list.push(buyParentId);
    if (sellParentId !== null && !list.includes(sellParentId)) list.push(sellParentId);
    parentIds = list;
  }
  const orderId = int(event.orderId);
  let orderIds: number[] | readonly never[] = orderId === null ? NONE : [orderId];
  const allocations = event.allocations;
  if (Array.isArray(allocations)) {
    const list = orderId === null ? [] : [orderId];
    for (const a of allocations) {
      const id = int((a as { orderId?: unknown } | null)?.orderId);
      if (id !== null && id !== orderId) list.push(id);
    }
    orderIds = list;
  }
  let clientRefs: ClientRef[] | readonly never[] = NONE;
  const clOrdId = str(event.clOrdId);
  if (clOrdId !== null) {
    const origClOrdId = str(event.origClOrdId);
    // An event without an order id (a reject) is only findable by its client ids; an order's first event and a
    // replace introduce a client id. Other reports of a known order are found through its order id.
    if (orderId === null || event.type === "order-accepted" || origClOrdId !== null) {
      const ref = { source: source ?? "", orderId };
      clientRefs =
        origClOrdId !== null && origClOrdId !== clOrdId && orderId === null
          ? [
              { clOrdId, ...ref },
              { clOrdId: origClOrdId, ...ref },
            ]
          : [{ clOrdId, ...ref }];
    }
  }
  return { source, parentIds, orderIds, clientRefs, childId: str(event.childId) };
}

/**
 * Causation, event by event in seq order. Keeps only what the rules need: open fills (parent-filled waiting for their
 * allocation) and the last allocation's orders, the last accepted order.
 */
export class CausationTracker {
  private readonly fills = new Map<number, number>();
  private allocationSeq = 0;
  private allocated: Set<number> | null = null;
  private acceptedOrder = -1;
  private acceptedSeq = 0;

  next(event: Readonly<Record<string, unknown>>, seq: number): number | null {
    switch (event.type) {
      case "parent-filled": {
        const fillId = int(event.fillId);
        if (fillId !== null) this.fills.set(fillId, seq);
        return null;
      }
      case "fill-allocated": {
        const fillId = int(event.fillId);
        const cause = fillId === null ? undefined : this.fills.get(fillId);
        if (fillId !== null) this.fills.delete(fillId);
        this.allocationSeq = seq;
        const orders = new Set<number>();
        if (Array.isArray(event.allocations)) {
          for (const a of event.allocations) {
            const id = int((a as { orderId?: unknown } | null)?.orderId);
            if (id !== null) orders.add(id);
          }
        }
        this.allocated = orders;
        return cause ?? null;
      }
      case "order-accepted": {
        this.acceptedOrder = int(event.orderId) ?? -1;
        this.acceptedSeq = seq;
        return null;
      }
      case "execution-report": {
        const orderId = int(event.orderId);
        if (orderId === null) return null;
        if (event.execType === "trade")
          return this.allocated?.has(orderId) === true && event.lastMkt !== undefined ? this.allocationSeq : null;
        if (event.execType === "new" && orderId === this.acceptedOrder) return this.acceptedSeq;
        return null;
      }
      default:
        return null;
    }
  }
}
