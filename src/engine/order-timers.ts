/**
 * Orders waiting for a time (their start or their end): one scheduler timer per distinct time, shared by every order
 * due then (day orders all share the close's), holding order ids, not orders, so that a timer never keeps a released
 * order in memory.
 *
 * A done order lets go of its timer when it is alone on it (`drop`): an order with its own end time, cancelled or
 * filled long before it (an hour, or a day), would otherwise keep its timer, closure and id list until then, and a busy
 * session's heap would grow with every such order. A shared timer is not searched (that would cost O(orders on it) per
 * done order); its list drops done ids now and then instead (amortised O(1)), and the timer skips them when it fires.
 */
import type { Scheduler, TimerHandle } from "../core/scheduler.js";
import type { ClientOrder } from "../model/client-order.js";

interface Due {
  readonly ids: number[];
  readonly handle: TimerHandle;
}

/** Below this many ids a shared list is never swept. */
const SWEEP_MIN = 1024;

export class OrderTimers {
  private readonly byTime = new Map<number, Due>();

  constructor(
    private readonly scheduler: Scheduler,
    /** The held order with this id, or undefined once released. */
    private readonly held: (orderId: number) => ClientOrder | undefined,
    /** Called with the held orders of a time when it comes (done ones included: the callee skips them). */
    private readonly fire: (orders: ClientOrder[]) => void,
  ) {}

  /** `order` is due at `time`. */
  add(time: number, order: ClientOrder): void {
    const due = this.byTime.get(time);
    if (due === undefined) {
      const ids = [order.orderId];
      this.byTime.set(time, { ids, handle: this.scheduler.at(time, () => this.fireAt(time, ids)) });
      return;
    }
    const ids = due.ids;
    if (ids.length >= SWEEP_MIN && (ids.length & (ids.length - 1)) === 0) {
      let kept = 0;
      for (const id of ids) if (this.held(id)?.done === null) ids[kept++] = id;
      ids.length = kept;
    }
    ids.push(order.orderId);
  }

  /** `orderId` (done) no longer needs `time`: its timer goes if it was the only order on it. */
  drop(time: number, orderId: number): void {
    const due = this.byTime.get(time);
    if (due === undefined || due.ids.length !== 1 || due.ids[0] !== orderId) return;
    this.scheduler.cancel(due.handle);
    this.byTime.delete(time);
  }

  private fireAt(time: number, ids: readonly number[]): void {
    this.byTime.delete(time);
    const orders: ClientOrder[] = [];
    for (const id of ids) {
      const order = this.held(id);
      if (order !== undefined) orders.push(order);
    }
    this.fire(orders);
  }
}
