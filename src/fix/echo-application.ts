/**
 * The echo application of the FIX session acceptance scripts: every NewOrderSingle (35=D) and SecurityDefinition
 * (35=d) is sent back with the same body; a message with PossResend=Y whose ClOrdID was already seen in this logon is
 * not echoed again (an application-level duplicate check). Any other application message gets a
 * BusinessMessageReject (35=j, BusinessRejectReason 3 "Unsupported Message Type"). Seen ClOrdIDs are forgotten at
 * every Logon, as the scripts reset sequence numbers on every Logon.
 */
import type { FixMessage } from "./codec.js";
import type { FixApplication, FixSession } from "./session.js";
import { BusinessRejectReason, MsgType, Tag } from "./tags.js";

export class EchoApplication implements FixApplication {
  private readonly seen = new Map<string, Set<string>>();
  /** Application messages received, for tests and statistics. */
  received = 0;

  onLogon(session: FixSession): void {
    this.seen.set(session.id, new Set());
  }

  onMessage(session: FixSession, message: FixMessage): void {
    this.received++;
    const msgType = message.msgType;
    if (msgType !== MsgType.NewOrderSingle && msgType !== MsgType.SecurityDefinition) {
      session.sendBusinessReject(message, BusinessRejectReason.UnsupportedMessageType);
      return;
    }
    const possResend = message.getFlag(Tag.PossResend);
    const clOrdId = message.get(Tag.ClOrdID);
    let seen = this.seen.get(session.id);
    if (seen === undefined) {
      seen = new Set();
      this.seen.set(session.id, seen);
    }
    if (clOrdId !== undefined) {
      if (possResend && seen.has(clOrdId)) return;
      seen.add(clOrdId);
    }
    session.send(msgType, session.bodyOf(message), { possResend });
  }
}
