/**
 * Where a journal is written, as plain data (it crosses to the journal's worker thread): a SQLite file or a PostgreSQL
 * schema. `openJournalStore` opens the store it names, with the store's own clear errors (`JournalOpenError`);
 * `openJournalReader` a synchronous reader of it.
 */
import type { JournalReader } from "./journal-reader.js";
import type { JournalStore } from "./journal-store.js";
import { PostgresJournalReader } from "./postgres-journal-reader.js";
import { PostgresJournalStore, redactUrl } from "./postgres-journal-store.js";
import { SqliteJournalReader } from "./sqlite-journal-reader.js";
import { SqliteJournalStore } from "./sqlite-journal-store.js";

export type JournalTarget =
  | {
      readonly kind: "sqlite";
      readonly path: string;
      /** SQLite `synchronous`: "full" (durable against power loss) or "normal" (against crashes only). */
      readonly synchronous: "full" | "normal";
    }
  | { readonly kind: "postgres"; readonly url: string; readonly schema: string };

export function openJournalStore(target: JournalTarget, mode: "create" | "open"): Promise<JournalStore> {
  if (target.kind === "sqlite")
    return Promise.resolve(SqliteJournalStore.open(target.path, { mode, synchronous: target.synchronous }));
  return PostgresJournalStore.open({ url: target.url, schema: target.schema, mode });
}

/** A synchronous reader of the journal `target` names (it must exist). */
export function openJournalReader(target: JournalTarget): JournalReader {
  return target.kind === "sqlite"
    ? new SqliteJournalReader(target.path)
    : new PostgresJournalReader(target.url, target.schema);
}

/** The file, or the URL without its password and the schema, for messages. */
export function targetLocation(target: JournalTarget): string {
  return target.kind === "sqlite" ? target.path : `${redactUrl(target.url)} (schema ${target.schema})`;
}
