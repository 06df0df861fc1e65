/**
 * After `serve --resume`: the execution reports the FIX order sessions never got. The gateway releases a report once
 * its event is durable in the journal; a process killed between the journal's commit and that release leaves events in
 * the journal whose reports never reached the FIX message store, so a reconnecting OMS would not get them by resend.
 * Here, per FIX order source, the journal's execution reports beyond the last ExecID the store holds (ExecIDs are
 * numbered in journal order, across restarts) are sent now, in journal order: stored and numbered, they reach the OMS
 * at once or by its next resend. The journal is read backwards from the head of the recovered part until every source
 * has passed its last delivered report (so a restart reads a short tail, not the journal).
 */
import type { FixMessageStore } from "../fix/message-store.js";
import type { OrderGateway } from "../fix/order-gateway.js";
import type { JournalReader } from "../journal/journal-reader.js";
import type { ClientExecutionReport, EngineEvent } from "../model/client-events.js";

const CHUNK = 5_000;

/**
 * Sends the missing reports; returns how many per source. Synchronous, so that no report of a new event can leave
 * before the older ones it follows.
 */
export function redeliverMissedReports(
  gateway: OrderGateway,
  fixStore: FixMessageStore,
  journal: Pick<JournalReader, "readRange">,
  lastRecoveredSeq: number,
): Map<string, number> {
  const delivered = gateway.deliveredExecIds(fixStore);
  const missing: ClientExecutionReport[] = [];
  const passed = new Set<string>();
  for (let to = lastRecoveredSeq; to >= 1 && passed.size < delivered.size; to -= CHUNK) {
    const records = journal.readRange(Math.max(1, to - CHUNK + 1), to);
    for (let i = records.length - 1; i >= 0; i--) {
      const record = records[i] as (typeof records)[number];
      if (record.type !== "execution-report" || record.source === null) continue;
      const last = delivered.get(record.source);
      if (last === undefined || passed.has(record.source)) continue;
      const event = JSON.parse(record.payload) as EngineEvent as ClientExecutionReport;
      if (Number(event.execId.slice(1)) <= last) passed.add(record.source);
      else missing.push(event);
    }
  }
  const counts = new Map<string, number>();
  for (const event of missing.reverse()) {
    gateway.redeliver(event);
    counts.set(event.source, (counts.get(event.source) ?? 0) + 1);
  }
  return counts;
}
