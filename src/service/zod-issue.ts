/**
 * One zod issue as the field a person wrote: `http.port`, `orders[3].quantity`, or the unknown key itself for an
 * unrecognised key (zod reports those on the enclosing object). Shared by the service's config and request bodies so
 * both name fields the same way.
 */
import type { z } from "zod";
import { formatPath } from "../model/reference-data.js";

export interface IssueField {
  /** The path as steps (unknown keys included). */
  readonly path: readonly (string | number)[];
  /** The path as text (`sources[1].tokenSha256`); "" for the whole value. */
  readonly text: string;
  readonly message: string;
}

export function issueField(issue: z.core.$ZodIssue): IssueField {
  const path = issue.path.filter((step): step is string | number => typeof step !== "symbol");
  const full = issue.code === "unrecognized_keys" && issue.keys[0] !== undefined ? [...path, issue.keys[0]] : path;
  const missing = issue.code === "invalid_type" && issue.message.endsWith("received undefined");
  const message = issue.code === "unrecognized_keys" ? "unknown field" : missing ? "missing" : issue.message;
  return { path: full, text: formatPath(full), message };
}
