/**
 * For tests of a `FixSession` without sockets: the counterparty attached to it. What the session writes is framed
 * and decoded into `received` (and counted in `writes`: one per write call); `send` hands the session a message from
 * the counterparty (FIX 4.4 unless `ids.beginString` says otherwise, CompIDs reversed, MsgSeqNum from `firstSeq` up,
 * SendingTime from the clock).
 */
import type { Clock } from "../core/clock.js";
import { decodeFix, encodeFix, type FixMessage } from "./codec.js";
import { formatUtcTimestamp } from "./fix-time.js";
import { FixFramer } from "./framer.js";
import type { FixField, FixSession } from "./session.js";

export interface AttachedCounterparty {
  readonly received: FixMessage[];
  readonly writes: { count: number };
  send(msgType: string, body: FixField[]): void;
}

export function attachCounterparty(
  session: FixSession,
  clock: Clock,
  ids: { readonly senderCompId: string; readonly targetCompId: string; readonly beginString?: string },
  firstSeq = 1,
): AttachedCounterparty {
  const framer = new FixFramer();
  const received: FixMessage[] = [];
  const writes = { count: 0 };
  session.attach({
    write: (raw) => {
      writes.count++;
      for (const f of framer.push(raw)) {
        const r = decodeFix(f);
        if (r.ok) received.push(r.message);
      }
    },
    disconnect: () => {},
  });
  let seq = firstSeq;
  const send = (msgType: string, body: FixField[]) =>
    session.receive(
      encodeFix(ids.beginString ?? "FIX.4.4", [
        [35, msgType],
        [49, ids.senderCompId],
        [56, ids.targetCompId],
        [34, seq++],
        [52, formatUtcTimestamp(clock.now())],
        ...body,
      ]),
    );
  return { received, writes, send };
}
