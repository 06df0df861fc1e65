/**
 * A FIX data dictionary and the session-level validation of an incoming message against it: the checks whose failure
 * is a session Reject (35=3) with SessionRejectReason (373) and RefTagID (371).
 *
 * Order of checks (the order QuickFIX uses, so peers see the same first error): header/body/trailer structure (14),
 * MsgType (11), required header then body fields (1), then field by field in wire order: without a value (4), invalid
 * tag number (0), repeated outside a group (13), data format (6), enumerated value (5), not defined for the message
 * type (2, only for messages whose field list is `closed`), NumInGroup count (16, for the groups the dictionary
 * declares).
 *
 * Known limits: the built-in dictionaries (fix-dictionaries.ts) are hand-written subsets. Every tag of the version is
 * known (so "invalid tag" is exact), but field types and enumerations are given only for the fields Tributary reads,
 * and only the session messages have closed field lists; application messages are checked for required fields,
 * formats, enumerations and the groups listed.
 */
import type { FixMessage } from "./codec.js";
import { isUtcDateOnly, isUtcTimeOnly, parseUtcTimestamp } from "./fix-time.js";
import { SessionRejectReason, type SessionRejectReasonCode } from "./tags.js";

export type FieldType =
  | "INT"
  | "SEQNUM"
  | "LENGTH"
  | "NUMINGROUP"
  | "FLOAT"
  | "CHAR"
  | "BOOLEAN"
  | "STRING"
  | "UTCTIMESTAMP"
  | "UTCDATEONLY"
  | "UTCTIMEONLY"
  | "LOCALMKTDATE"
  | "MONTHYEAR"
  | "DATA";

export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
  readonly values?: ReadonlySet<string>;
}

export interface GroupDef {
  /** The first field of every instance. */
  readonly delimiter: number;
  /** Every field an instance may hold, the delimiter included. */
  readonly members: ReadonlySet<number>;
}

export interface MessageDef {
  readonly name: string;
  readonly required: readonly number[];
  /** When present, the complete list of body fields: any other body field is "not defined for this message type". */
  readonly closed?: ReadonlySet<number>;
  /** Repeating groups by their NumInGroup tag. */
  readonly groups?: ReadonlyMap<number, GroupDef>;
}

export interface FixDictionary {
  readonly beginString: string;
  /** Is `tag` a field of this FIX version at all? */
  isKnownTag(tag: number): boolean;
  readonly fields: ReadonlyMap<number, FieldDef>;
  readonly header: ReadonlySet<number>;
  readonly headerRequired: readonly number[];
  readonly trailer: ReadonlySet<number>;
  readonly msgTypes: ReadonlySet<string>;
  readonly messages: ReadonlyMap<string, MessageDef>;
  /** Header repeating groups (NoHops) by NumInGroup tag. */
  readonly headerGroups: ReadonlyMap<number, GroupDef>;
}

export interface ValidationError {
  readonly reason: SessionRejectReasonCode;
  /** RefTagID (371): the offending tag, or null when the reject names none. */
  readonly refTagId: number | null;
}

const fail = (reason: SessionRejectReasonCode, refTagId: number | null): ValidationError => ({ reason, refTagId });

function validFormat(type: FieldType, value: string): boolean {
  switch (type) {
    case "INT":
      return /^-?\d+$/.test(value);
    case "SEQNUM":
    case "LENGTH":
    case "NUMINGROUP":
      return /^\d+$/.test(value);
    case "FLOAT":
      return /^-?(\d+\.?\d*|\.\d+)$/.test(value);
    case "CHAR":
      return value.length === 1;
    case "BOOLEAN":
      return value === "Y" || value === "N";
    case "UTCTIMESTAMP":
      return !Number.isNaN(parseUtcTimestamp(value));
    case "UTCDATEONLY":
    case "LOCALMKTDATE":
      return isUtcDateOnly(value);
    case "UTCTIMEONLY":
      return isUtcTimeOnly(value);
    case "MONTHYEAR":
      return /^\d{6}(\d{2}|w[1-5])?$/.test(value);
    case "STRING":
    case "DATA":
      return true;
  }
}

/**
 * "Has this tag been seen in this message?" without allocating per message: a stamp per tag number, and a new stamp
 * per message. Tags past the array (not in any dictionary we ship) fall back to a Set.
 */
class SeenTags {
  private readonly stamps = new Int32Array(1024);
  private stamp = 0;
  private overflow: Set<number> | null = null;

  next(): this {
    this.stamp++;
    if (this.stamp === 0x7fffffff) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
    this.overflow = null;
    return this;
  }

  /** True when `tag` was already seen; marks it seen. */
  testAndSet(tag: number): boolean {
    if (tag < this.stamps.length) {
      if (this.stamps[tag] === this.stamp) return true;
      this.stamps[tag] = this.stamp;
      return false;
    }
    this.overflow ??= new Set();
    if (this.overflow.has(tag)) return true;
    this.overflow.add(tag);
    return false;
  }
}

const seenTags = new SeenTags();
const nextSeenSet = (): SeenTags => seenTags.next();

/** Null when the message passes; otherwise the first problem, for a session Reject. */
export function validateMessage(dictionary: FixDictionary, message: FixMessage): ValidationError | null {
  const { tags, values } = message;
  const trailerStart = tags.length - 1; // CheckSum is last (the codec guarantees it)

  // Structure: header fields first, then the body, then the trailer.
  let inBody = false;
  for (let i = 3; i < trailerStart; i++) {
    const tag = tags[i] as number;
    if (!dictionary.header.has(tag)) inBody = true;
    else if (inBody) return fail(SessionRejectReason.TagSpecifiedOutOfRequiredOrder, tag);
  }

  const msgType = message.msgType;
  if (!dictionary.msgTypes.has(msgType)) return fail(SessionRejectReason.InvalidMsgType, null);
  const def = dictionary.messages.get(msgType);

  for (const tag of dictionary.headerRequired) {
    if (!message.has(tag)) return fail(SessionRejectReason.RequiredTagMissing, tag);
  }
  if (def !== undefined) {
    for (const tag of def.required) {
      if (!message.has(tag)) return fail(SessionRejectReason.RequiredTagMissing, tag);
    }
  }

  const seen = nextSeenSet();
  for (let i = 1; i < trailerStart; i++) {
    const tag = tags[i] as number;
    const value = values[i] as string;
    if (value === "") return fail(SessionRejectReason.TagSpecifiedWithoutAValue, tag);
    if (tag <= 0 || !dictionary.isKnownTag(tag)) return fail(SessionRejectReason.InvalidTagNumber, tag);
    if (seen.testAndSet(tag)) return fail(SessionRejectReason.TagAppearsMoreThanOnce, tag);
    const field = dictionary.fields.get(tag);
    if (field !== undefined) {
      if (!validFormat(field.type, value)) return fail(SessionRejectReason.IncorrectDataFormatForValue, tag);
      if (field.values !== undefined && !field.values.has(value)) {
        return fail(SessionRejectReason.ValueIsIncorrect, tag);
      }
    }
    const isHeader = dictionary.header.has(tag) || dictionary.trailer.has(tag);
    if (!isHeader && def?.closed !== undefined && !def.closed.has(tag)) {
      return fail(SessionRejectReason.TagNotDefinedForThisMessageType, tag);
    }
    const group = isHeader ? dictionary.headerGroups.get(tag) : def?.groups?.get(tag);
    if (group !== undefined) {
      const r = checkGroup(dictionary, message, i, group);
      if (typeof r !== "number") return r;
      i = r;
    }
  }
  return null;
}

/**
 * Checks the instances of the group whose NumInGroup field is at `countIndex`; returns the index of its last field
 * (so the caller continues after the group), or the error.
 */
function checkGroup(
  dictionary: FixDictionary,
  message: FixMessage,
  countIndex: number,
  group: GroupDef,
): number | ValidationError {
  const { tags, values } = message;
  const countTag = tags[countIndex] as number;
  const declared = Number(values[countIndex]);
  let instances = 0;
  let i = countIndex + 1;
  const end = tags.length - 1;
  let inInstance = new Set<number>();
  while (i < end) {
    const tag = tags[i] as number;
    if (!group.members.has(tag)) break;
    if (tag === group.delimiter) {
      instances++;
      inInstance = new Set<number>();
    } else if (instances === 0) {
      return fail(SessionRejectReason.TagSpecifiedOutOfRequiredOrder, tag);
    }
    if (inInstance.has(tag)) return fail(SessionRejectReason.TagAppearsMoreThanOnce, tag);
    inInstance.add(tag);
    const value = values[i] as string;
    if (value === "") return fail(SessionRejectReason.TagSpecifiedWithoutAValue, tag);
    const field = dictionary.fields.get(tag);
    if (field !== undefined) {
      if (!validFormat(field.type, value)) return fail(SessionRejectReason.IncorrectDataFormatForValue, tag);
      if (field.values !== undefined && !field.values.has(value)) {
        return fail(SessionRejectReason.ValueIsIncorrect, tag);
      }
    }
    i++;
  }
  if (instances !== declared) return fail(SessionRejectReason.IncorrectNumInGroupCountForRepeatingGroup, countTag);
  return i - 1;
}
