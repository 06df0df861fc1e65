/**
 * The WebSocket event stream (GET /stream): the engine's events, as the journal records them (quantities in lots,
 * prices in price units; see README "Audit trail"), one JSON text message per event, for blotters and downstream
 * systems.
 *
 * - Isolation: a source sees its own order events (execution reports, order and cancel rejects), the allocations of a
 *   fill that went to its own orders (a fill shared with other sources' orders is cut down to its own share), and the
 *   kill switch when it covers everyone, that source or an account it may trade. An admin sees every event (parents,
 *   children, fills, crosses, algorithm and routing choices, kill switch, session), optionally one source's only
 *   (`?source=`, as that source sees them).
 * - Filtering: `?types=execution-report,fill-allocated` keeps those event types only.
 * - Durability: an event is sent only once the journal has made it durable (DESIGN.md: nothing outside the kernel
 *   sees an effect before it survives a crash), in seq order.
 * - A client that does not keep up (more than `maxBufferedBytes` unsent) is disconnected (close 1013), so one slow
 *   reader never holds the service's memory.
 */
import type { WebSocket } from "ws";
import type { Engine } from "../engine/engine.js";
import type { Durability } from "../fix/order-gateway.js";
import type { EngineEvent, FillAllocated } from "../model/client-events.js";
import type { Principal } from "./auth.js";

/** Every type of engine event (a record, so that a new type cannot be left out of `?types=`). */
const EVENT_TYPES: Record<EngineEvent["type"], true> = {
  "order-accepted": true,
  "order-rejected": true,
  "cancel-rejected": true,
  "execution-report": true,
  "amend-pending": true,
  "parent-created": true,
  "parent-changed": true,
  "parent-filled": true,
  "fill-allocated": true,
  "over-fill": true,
  "internal-cross": true,
  "kill-switch": true,
  "child-order": true,
  "algo-chosen": true,
  "routing-decision": true,
  session: true,
  "market-bar": true,
};
export const STREAM_EVENT_TYPES = Object.keys(EVENT_TYPES) as readonly EngineEvent["type"][];

/** Event types that concern one source's own orders (with `source` on the event). */
const SOURCE_EVENTS: ReadonlySet<string> = new Set([
  "order-accepted",
  "order-rejected",
  "cancel-rejected",
  "execution-report",
  "amend-pending",
]);

export interface StreamFilter {
  /** Null: every type the principal may see. */
  readonly types: ReadonlySet<string> | null;
  /** Admin only: one source's events. */
  readonly source: string | null;
}

interface Client {
  readonly socket: WebSocket;
  readonly principal: Principal;
  readonly filter: StreamFilter;
}

export class EventStream {
  private readonly clients = new Set<Client>();
  private held: EngineEvent[] = [];
  /** The source of each allocation of a held fill, read when it happens (the order may be released by delivery). */
  private readonly allocationSources = new WeakMap<FillAllocated, readonly (string | undefined)[]>();
  private readonly unsubscribe: () => void;

  constructor(
    engine: Engine,
    durability: Durability,
    private readonly maxBufferedBytes = 16 * 1024 * 1024,
  ) {
    this.unsubscribe = engine.on((event) => {
      if (this.clients.size === 0) return;
      this.held.push(event);
      if (event.type === "fill-allocated") {
        this.allocationSources.set(
          event,
          event.allocations.map((a) => engine.orderById(a.orderId)?.source),
        );
      }
    });
    durability.onDurable((seq) => this.release(seq));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  add(socket: WebSocket, principal: Principal, filter: StreamFilter): void {
    const client: Client = { socket, principal, filter };
    this.clients.add(client);
    socket.on("close", () => this.clients.delete(client));
    socket.on("error", () => this.clients.delete(client));
  }

  /** Closes every client (going away) and stops listening. */
  close(): void {
    this.unsubscribe();
    for (const c of this.clients) c.socket.close(1001, "service stopping");
    this.clients.clear();
    this.held = [];
  }

  private release(durableSeq: number): void {
    const held = this.held;
    let n = 0;
    while (n < held.length && (held[n] as EngineEvent).seq <= durableSeq) n++;
    if (n === 0) return;
    const ready = n === held.length ? held : held.slice(0, n);
    this.held = n === held.length ? [] : held.slice(n);
    for (const event of ready) this.deliver(event);
  }

  private deliver(event: EngineEvent): void {
    let full: string | null = null;
    const text = (view: EngineEvent): string => {
      if (view !== event) return JSON.stringify(view);
      full ??= JSON.stringify(event);
      return full;
    };
    for (const client of this.clients) {
      const { principal, filter } = client;
      if (filter.types !== null && !filter.types.has(event.type)) continue;
      const source = principal.role === "admin" ? filter.source : principal.id;
      const view = source === null ? event : this.viewFor(event, source, principal.accounts);
      if (view === null) continue;
      if (client.socket.bufferedAmount > this.maxBufferedBytes) {
        client.socket.close(1013, "stream client too slow");
        this.clients.delete(client);
        continue;
      }
      client.socket.send(text(view));
    }
  }

  /**
   * What `source` (trading `accounts`, null: any) may see of an event: the event, a cut-down copy, or null. A kill
   * switch reaches it when it covers everyone, the source, or an account the source may trade.
   */
  private viewFor(event: EngineEvent, source: string, accounts: ReadonlySet<string> | null): EngineEvent | null {
    if (SOURCE_EVENTS.has(event.type)) return (event as { source: string }).source === source ? event : null;
    if (event.type === "fill-allocated") return this.ownAllocations(event, source);
    if (event.type === "kill-switch") {
      const s = event.scope;
      if (s.scope === "global") return event;
      if (s.scope === "source") return s.id === source ? event : null;
      return accounts === null || accounts.has(s.id) ? event : null;
    }
    return null;
  }

  private ownAllocations(event: FillAllocated, source: string): FillAllocated | null {
    const sources = this.allocationSources.get(event);
    const own = event.allocations.filter((_, i) => sources?.[i] === source);
    if (own.length === 0) return null;
    if (own.length === event.allocations.length) return event;
    let qty = 0;
    for (const a of own) qty += a.qty;
    return { ...event, qty, allocations: own };
  }
}
