/**
 * The writer thread behind `ThreadedSqliteFixMessageStore`: owns the SQLite file (through `SqliteFixMessageStore`)
 * and commits the writes the session's thread sends (group commit): the writes that arrive while a commit (an fsync
 * with synchronous=FULL) is under way wait in the port, and the next commit takes all of them in one transaction, so
 * a busy gateway pays one fsync for many TCP reads and released answers. A read first commits what came before it.
 * A failed commit is reported through the last unit it held, and the rest of those units is dropped.
 */
import { blockingWorkerSide } from "../core/blocking-worker.js";
import { readStore, type StoreWrite } from "./message-store-write.js";
import { SqliteFixMessageStore } from "./sqlite-message-store.js";
import type {
  SqliteStoreMessage,
  SqliteStoreReport,
  SqliteStoreWorkerSetup,
} from "./threaded-sqlite-message-store-protocol.js";

const side = blockingWorkerSide<SqliteStoreMessage, SqliteStoreWorkerSetup>();
const setup = side.setup;
let store: SqliteFixMessageStore | null = null;
/** Writes received and not yet committed, oldest first. */
let queue: StoreWrite[] = [];
/** The last unit with writes in `queue`, the last whose end was received, the last reported, the last failed. */
let touched = 0;
let ended = 0;
let reported = 0;
let failedThrough = 0;
let scheduled: NodeJS.Immediate | null = null;

const report = (message: SqliteStoreReport): void => side.report(message);

function commit(): void {
  if (scheduled !== null) clearImmediate(scheduled);
  scheduled = null;
  const writes = queue;
  queue = [];
  if (writes.length > 0) {
    try {
      (store as SqliteFixMessageStore).applyWrites(writes);
    } catch (error) {
      failedThrough = Math.max(touched, ended);
      reported = Math.max(reported, failedThrough);
      report({ kind: "failed", unit: failedThrough, message: String((error as Error)?.message ?? error) });
      return;
    }
  }
  if (ended > reported) {
    reported = ended;
    report({ kind: "durable", unit: ended });
  }
}

function read(message: SqliteStoreMessage): unknown {
  switch (message.kind) {
    case "open":
      store = new SqliteFixMessageStore(setup.file, { synchronous: setup.synchronous });
      return null;
    case "seqNums":
    case "sentBetween":
      commit();
      return readStore(store as SqliteFixMessageStore, message);
    case "close":
      commit();
      store?.close();
      return null;
    default:
      return null;
  }
}

side.listen((message) => {
  if (message.kind === "writes") {
    if (message.unit <= failedThrough) return;
    if (message.writes.length > 0) {
      for (const w of message.writes) queue.push(w);
      touched = message.unit;
    }
    if (message.end) ended = message.unit;
    scheduled ??= setImmediate(commit);
    return;
  }
  try {
    side.answer({ ok: true, value: read(message) });
  } catch (error) {
    const cause = (error as Error).cause;
    side.answer({
      ok: false,
      message: cause instanceof Error ? cause.message : String((error as Error)?.message ?? error),
    });
  }
});
