/**
 * The FIX session layer (FIX 4.2 and 4.4), one `FixSession` per (BeginString, SenderCompID, TargetCompID). It is
 * sans-IO: it is handed candidate messages (framer.ts) and the time (a `Clock`), and it writes bytes and asks for a
 * disconnect through a `FixSessionOutput`; tests drive it with a test clock and collect its output, no sockets.
 *
 * What it does (FIX Session Protocol; the QuickFIX order of checks, so peers see the same behaviour):
 * - garbled messages (bad CheckSum or BodyLength, BeginString/BodyLength/MsgType not first) are ignored;
 * - a BeginString other than the session's: Logout "Incorrect BeginString";
 * - dictionary validation (dictionary.ts) before anything else: Reject (35=3) with SessionRejectReason (373),
 *   RefTagID (371), RefSeqNum (45), RefMsgType (372) and the routing fields reversed;
 * - SendingTime more than `maxLatencyMicros` from the clock: Reject 373=10 then Logout; wrong CompIDs: 373=9, Logout;
 * - MsgSeqNum too high: the message is queued and one ResendRequest (EndSeqNo 0, or 999999 before 4.2) asks for the
 *   gap; queued messages are processed in MsgSeqNum order once the gap is filled, so the application sees messages
 *   in order, each once;
 * - MsgSeqNum too low without PossDupFlag: Logout "MsgSeqNum too low, expecting X but received Y" and disconnect;
 *   with PossDupFlag=Y: OrigSendingTime (122) is required (373=1) and must not be after SendingTime (373=10,
 *   Logout), and the duplicate is dropped;
 * - ResendRequest: the stored application messages are sent again with PossDupFlag=Y and OrigSendingTime, runs of
 *   admin or missing messages are covered by SequenceReset-GapFill;
 * - SequenceReset in GapFill mode obeys the MsgSeqNum checks, in Reset mode it does not; NewSeqNo below the expected
 *   number: Reject 373=5;
 * - Logon with ResetSeqNumFlag (141=Y), also while logged on: both sequence numbers back to 1, answered with 141=Y;
 * - heartbeats every HeartBtInt when nothing was sent, a TestRequest after 1.2 HeartBtInt of silence, disconnect
 *   after 2.4; Logout answered with Logout, and our Logout waits `logoutTimeoutMicros` for the answer.
 *
 * Invariants: the next MsgSeqNum to send and to expect, and every application message sent, are durable in the
 * `FixMessageStore` before the bytes leave: everything the session writes goes out through `group` (one group commit
 * per TCP read, per batch of answers, per message sent on its own), whose bytes are held until the store says its
 * writes are durable (`whenDurable`: at once for a synchronous store, after the writer thread's commit for a threaded
 * one), and, for a message sent `after` a record of the `upstream` sequence (the OMS journal's event it reports),
 * until that record is durable too; handed to the connection in the order they were made, a disconnect after them;
 * the application (`FixApplication.onMessage`) receives application messages strictly in MsgSeqNum order and never a
 * PossDup duplicate of one it has already had.
 *
 * Both roles: an acceptor answers the peer's Logon; an initiator sends its own with `initiateLogon` and takes the
 * peer's Logon as the answer (no Logon is sent back; a ResetSeqNumFlag we asked for is not applied a second time).
 *
 * Known limits: no session schedule (start/end times); one connection per
 * session at a time (a second Logon for a session already logged on is disconnected). The next expected MsgSeqNum is
 * stored when a message is handed to the application, in the same commit as what the application stores through
 * this session. What the application makes durable elsewhere (the OMS journal) depends on where the store is:
 * - a store of its own (memory, a SQLite file, PostgreSQL): the journal commits beside it, not after it, so a crash
 *   between the two commits either loses the message without a resend (the store's commit landed first: its MsgSeqNum
 *   consumed, its order not journaled) or has the peer resend, with PossDupFlag=Y, a message the application already
 *   has (the journal's landed first), which the application must recognise (the order gateway answers such a
 *   NewOrderSingle with the order's status). A message reporting an upstream record is stored (with that record's seq)
 *   before the record is durable: a crash can leave it stored, never sent, for a record the upstream lost; the store's
 *   `forgetSentAfter` drops such messages at restart.
 * - the store in the journal (`JournalFixMessageStore`): the store's writes of a read are committed in the journal's
 *   transaction that holds the read's events, or a later one, never an earlier one (they follow the events in one
 *   ordered stream, and the journal commits a prefix of it). So the first case cannot happen: a consumed MsgSeqNum's
 *   events are durable with it or before it, and a stored report's event too. What is left is the second, benign case,
 *   only where a read's events and its writes fall in two commits (a journal batch filled or posted for a read in
 *   the middle of the read): the peer resends, with PossDupFlag=Y, a message the journal has.
 */
import type { Clock } from "../core/clock.js";
import { decodeFix, encodeFix, type FixMessage } from "./codec.js";
import { type FixDictionary, validateMessage } from "./dictionary.js";
import { formatUtcTimestamp, parseUtcTimestamp } from "./fix-time.js";
import type { FixMessageStore } from "./message-store.js";
import {
  BUSINESS_REJECT_TEXT,
  isAdminMsgType,
  MsgType,
  SESSION_REJECT_TEXT,
  SessionRejectReason,
  Tag,
} from "./tags.js";

export type FixField = readonly [number, string | number];

export interface FixSessionOutput {
  write(raw: string): void;
  disconnect(): void;
}

/** What runs on top of a session: it sees application messages in order, once each. */
export interface FixApplication {
  /** Checks a Logon before it is answered (password, ...): a reason refuses it (Logout with that Text, disconnect). */
  refuseLogon?(session: FixSession, logon: FixMessage): string | null;
  onLogon?(session: FixSession): void;
  onLogout?(session: FixSession): void;
  onMessage(session: FixSession, message: FixMessage): void;
}

export interface FixSessionConfig {
  readonly beginString: string;
  /** Our CompID (SenderCompID on what we send). */
  readonly senderCompId: string;
  /** The peer's CompID. */
  readonly targetCompId: string;
  /** Reset both sequence numbers on every Logon received (the acceptance scripts' convention). Default false. */
  readonly resetOnLogon?: boolean;
  /** SendingTime accuracy: default 120 s. */
  readonly maxLatencyMicros?: number;
  /** How long to wait for the answer to our Logout: default 2 s. */
  readonly logoutTimeoutMicros?: number;
}

/**
 * A sequence outside the session whose records messages may report (the OMS journal: an ExecutionReport reports a
 * journaled event). A message sent `after` a record of it is stored with that record's seq and leaves once the record
 * is durable too; the owner calls `FixSession.upstreamDurable` when `durableSeq` moves.
 */
export interface UpstreamDurability {
  /** The last seq known to be durable. */
  readonly durableSeq: number;
}

export interface FixSessionDeps {
  readonly clock: Clock;
  readonly store: FixMessageStore;
  readonly upstream?: UpstreamDurability;
  readonly dictionary: FixDictionary;
  readonly application: FixApplication;
  /** Session events, one line each (for a log). */
  readonly log?: (line: string) => void;
}

const ROUTE_REVERSAL: readonly (readonly [number, number])[] = [
  [Tag.OnBehalfOfCompID, Tag.DeliverToCompID],
  [Tag.DeliverToCompID, Tag.OnBehalfOfCompID],
  [Tag.OnBehalfOfSubID, Tag.DeliverToSubID],
  [Tag.DeliverToSubID, Tag.OnBehalfOfSubID],
  [Tag.OnBehalfOfLocationID, Tag.DeliverToLocationID],
  [Tag.DeliverToLocationID, Tag.OnBehalfOfLocationID],
];

/** What a group wrote, held until its store writes are durable. */
interface HeldOutput {
  readonly output: FixSessionOutput;
  readonly bytes: string[];
  /** The upstream seq its messages report: it waits for that too (0: none). */
  after: number;
  disconnect: boolean;
  done: boolean;
  error: Error | null;
}

interface SendOptions {
  /** Resend or gap fill: this MsgSeqNum, PossDupFlag=Y, OrigSendingTime; nothing stored, no number consumed. */
  readonly resendAs?: { readonly msgSeqNum: number; readonly origSendingTime: string };
  readonly header?: readonly FixField[];
  /** Numbered like any message, but not stored (a resend gap-fills over it). */
  readonly transient?: boolean;
  /** The upstream record it reports (`UpstreamDurability`): stored with it, and it leaves once that is durable. */
  readonly after?: number;
}

export class FixSession {
  readonly id: string;
  readonly beginString: string;
  readonly senderCompId: string;
  readonly targetCompId: string;

  private output: FixSessionOutput | null = null;
  private nextSender: number;
  private nextTarget: number;
  private loggedOn = false;
  /** We sent a Logon on this connection and wait for the answer (initiator role). */
  private initiated: { resetSeqNum: boolean } | null = null;
  private sentLogout = false;
  private sentLogoutAt = 0;
  private heartBtIntMicros = 0;
  private lastSentAt = 0;
  private lastReceivedAt = 0;
  private testRequestsSent = 0;
  private resendRange: { begin: number; end: number } | null = null;
  /** Inside `group`: output is buffered until the store commits. */
  private grouping = false;
  /** The bytes of groups whose writes the store (or upstream) has not yet said durable, oldest first. */
  private held: HeldOutput[] = [];
  /** The upstream seq the open group's messages report (0: none). */
  private groupAfter = 0;
  /** The highest upstream seq a message of this session reported: a resend of stored messages waits for it. */
  private lastAfter = 0;
  private readonly queue = new Map<number, FixMessage>();
  private readonly resetOnLogon: boolean;
  private readonly maxLatencyMicros: number;
  private readonly logoutTimeoutMicros: number;
  private readonly fix42OrLater: boolean;

  constructor(
    config: FixSessionConfig,
    private readonly deps: FixSessionDeps,
  ) {
    this.beginString = config.beginString;
    this.senderCompId = config.senderCompId;
    this.targetCompId = config.targetCompId;
    this.id = `${config.beginString}:${config.senderCompId}->${config.targetCompId}`;
    this.resetOnLogon = config.resetOnLogon ?? false;
    this.maxLatencyMicros = config.maxLatencyMicros ?? 120_000_000;
    this.logoutTimeoutMicros = config.logoutTimeoutMicros ?? 2_000_000;
    this.fix42OrLater = config.beginString >= "FIX.4.2";
    const seq = deps.store.seqNums(this.id);
    this.nextSender = seq.nextSenderMsgSeqNum;
    this.nextTarget = seq.nextTargetMsgSeqNum;
  }

  get isConnected(): boolean {
    return this.output !== null;
  }

  get isLoggedOn(): boolean {
    return this.loggedOn;
  }

  get nextSenderMsgSeqNum(): number {
    return this.nextSender;
  }

  get nextTargetMsgSeqNum(): number {
    return this.nextTarget;
  }

  /** A transport connection takes the session (before its Logon is handed over). */
  attach(output: FixSessionOutput): void {
    this.output = output;
    this.loggedOn = false;
    this.sentLogout = false;
    this.initiated = null;
  }

  /**
   * The initiator's Logon on a freshly attached connection: HeartBtInt (seconds), and ResetSeqNumFlag=Y with both
   * sequence numbers back to 1 when `resetSeqNum`; `fields` are added to it (Password 554, ...). The peer's Logon then completes the logon (see `nextLogon`).
   */
  initiateLogon(options: { heartBtInt: number; resetSeqNum: boolean; fields?: readonly FixField[] }): void {
    if (this.output === null || this.loggedOn || this.initiated !== null) return;
    if (options.resetSeqNum) this.resetSeqNums();
    this.initiated = { resetSeqNum: options.resetSeqNum };
    this.heartBtIntMicros = options.heartBtInt * 1_000_000;
    const body: FixField[] = [
      [Tag.EncryptMethod, 0],
      [Tag.HeartBtInt, options.heartBtInt],
    ];
    if (options.resetSeqNum) body.push([Tag.ResetSeqNumFlag, "Y"]);
    if (options.fields !== undefined) body.push(...options.fields);
    this.sendAdmin(MsgType.Logon, body);
  }

  /** The transport closed under us. */
  connectionLost(output: FixSessionOutput): void {
    if (this.output !== output) return;
    this.output = null;
    this.endConnection("connection closed by peer");
  }

  /** One candidate message from the framer (one group commit). */
  receive(raw: string): void {
    this.group(() => this.handle(raw));
  }

  private handle(raw: string): void {
    if (this.output === null) return;
    const decoded = decodeFix(raw);
    if (!decoded.ok) {
      this.log(`garbled message ignored: ${decoded.reason}`);
      if (!this.loggedOn) this.disconnect("garbled message before Logon");
      return;
    }
    this.process(decoded.message, false);
  }

  /**
   * The candidate messages of one TCP read with one store commit (group commit): everything the session stores while
   * handling them (next expected MsgSeqNum, answers) is committed once, and only then are the answers written, in one
   * write. If the store fails, nothing is written and the error propagates (the transport closes the connection).
   */
  receiveAll(frames: readonly string[]): void {
    if (this.output === null || frames.length === 0) return;
    this.group(() => {
      for (const frame of frames) {
        if (this.output === null) break;
        this.handle(frame);
      }
    });
  }

  /**
   * Runs `work` (sends, receives) as one group commit: everything the session stores during it (numbers, sent
   * messages) is one store transaction, and the bytes it wrote are handed to the connection, in one write, once the
   * store says that transaction is durable, after the bytes of earlier groups; a disconnect asked for during it
   * happens after that write. So a burst of answers (the acknowledgements of one durable journal batch) costs one store
   * commit (one fsync with SQLite synchronous=FULL; a threaded store shares it with other groups), not one per
   * message, and still nothing leaves before it is stored. If the store throws, nothing is written, the numbers are
   * read back from the store and the error propagates; if its commit fails later, the bytes are dropped and the
   * connection closed. Inside another `group` of this session it simply runs `work`.
   */
  group<T>(work: () => T): T {
    const real = this.output;
    if (real === null || this.grouping) return work();
    const held: HeldOutput = { output: real, bytes: [], after: 0, disconnect: false, done: false, error: null };
    const buffered: FixSessionOutput = {
      write: (raw) => {
        held.bytes.push(raw);
      },
      disconnect: () => {
        held.disconnect = true;
      },
    };
    this.output = buffered;
    this.grouping = true;
    this.groupAfter = 0;
    let result: T;
    try {
      result = this.deps.store.transaction(work);
    } catch (error) {
      if (this.output === buffered) this.output = real;
      this.readSeqNums();
      throw error;
    } finally {
      this.grouping = false;
    }
    if (this.output === buffered) this.output = real;
    if (held.bytes.length > 0 || held.disconnect) {
      held.after = this.groupAfter;
      this.held.push(held);
      this.deps.store.whenDurable((error) => {
        held.done = true;
        held.error = error;
        this.releaseHeld();
      });
    }
    return result;
  }

  /**
   * Hands the held bytes whose writes (and upstream records) are durable to their connection, in order, those of
   * consecutive groups in one write; a failed commit closes it.
   */
  private releaseHeld(): void {
    const upstream = this.deps.upstream?.durableSeq ?? 0;
    const held = this.held;
    let n = 0;
    while (n < held.length) {
      const h = held[n] as HeldOutput;
      if (!h.done || h.after > upstream || h.error !== null) break;
      n++;
    }
    const failed = n < held.length && (held[n] as HeldOutput).error !== null ? (held[n] as HeldOutput) : null;
    if (n === 0 && failed === null) return;
    this.held = failed !== null || n === held.length ? [] : held.slice(n);
    let bytes: string[] = [];
    for (let i = 0; i < n; i++) {
      const h = held[i] as HeldOutput;
      for (const b of h.bytes) bytes.push(b);
      const next = held[i + 1];
      if (h.disconnect || i === n - 1 || next?.output !== h.output) {
        if (bytes.length > 0) h.output.write(bytes.length === 1 ? (bytes[0] as string) : bytes.join(""));
        bytes = [];
        if (h.disconnect) h.output.disconnect();
      }
    }
    if (failed !== null) {
      this.log(`message store failed, disconnecting: ${(failed.error as Error).message}`);
      if (this.output === failed.output) this.disconnect("message store failure");
      else failed.output.disconnect();
      this.readSeqNums();
    }
  }

  private readSeqNums(): void {
    const seq = this.deps.store.seqNums(this.id);
    this.nextSender = seq.nextSenderMsgSeqNum;
    this.nextTarget = seq.nextTargetMsgSeqNum;
  }

  /** Timers: heartbeats, test requests, timeouts. Call often (every ~100-250 ms) with the clock moving. */
  tick(): void {
    if (this.output === null || !this.loggedOn) return;
    const now = this.deps.clock.now();
    if (this.sentLogout && now - this.sentLogoutAt >= this.logoutTimeoutMicros) {
      this.disconnect("timed out waiting for the Logout answer");
      return;
    }
    const hb = this.heartBtIntMicros;
    if (hb === 0) return;
    const sinceReceived = now - this.lastReceivedAt;
    if (now - this.lastSentAt < hb && sinceReceived < hb) return;
    if (sinceReceived >= 2.4 * hb) {
      this.disconnect("timed out waiting for a heartbeat");
    } else if (sinceReceived >= 1.2 * (this.testRequestsSent + 1) * hb) {
      this.sendAdmin(MsgType.TestRequest, [[Tag.TestReqID, "TEST"]]);
      this.testRequestsSent++;
    } else if (this.testRequestsSent === 0 && now - this.lastSentAt >= hb) {
      this.sendAdmin(MsgType.Heartbeat, []);
    }
  }

  /**
   * Sends an application message (header fields are the session's; `body` starts after the header). It is stored
   * before it leaves; while not logged on it is stored and numbered but not written (a ResendRequest delivers it).
   */
  send(msgType: string, body: readonly FixField[], options: { possResend?: boolean; after?: number } = {}): boolean {
    const header: FixField[] = options.possResend === true ? [[Tag.PossResend, "Y"]] : [];
    return this.sendRaw(msgType, body, options.after === undefined ? { header } : { header, after: options.after });
  }

  /** The upstream's `durableSeq` moved: sends what waited for it. */
  upstreamDurable(): void {
    this.releaseHeld();
  }

  /**
   * Sends an application message that is not worth resending (market data: a later snapshot supersedes it). It is
   * numbered but not stored, so a ResendRequest gap-fills over it; while not logged on it is dropped, unnumbered.
   */
  sendTransient(msgType: string, body: readonly FixField[]): boolean {
    if (!this.loggedOn || this.output === null) return false;
    return this.sendRaw(msgType, body, { transient: true });
  }

  /** BusinessMessageReject (35=j) for an application message this side does not support or cannot process. */
  sendBusinessReject(ref: FixMessage, reason: number, text = BUSINESS_REJECT_TEXT[reason] ?? "Other"): void {
    const body: FixField[] = [];
    const refSeq = ref.get(Tag.MsgSeqNum);
    if (refSeq !== undefined && refSeq !== "") body.push([Tag.RefSeqNum, refSeq]);
    body.push([Tag.RefMsgType, ref.msgType], [Tag.BusinessRejectReason, reason], [Tag.Text, text]);
    this.sendRaw(MsgType.BusinessMessageReject, body, {});
  }

  /** The body fields of a message (header and trailer removed), e.g. to echo it. */
  bodyOf(message: FixMessage): FixField[] {
    const out: FixField[] = [];
    const { header, trailer } = this.deps.dictionary;
    for (let i = 0; i < message.tags.length; i++) {
      const tag = message.tags[i] as number;
      if (!header.has(tag) && !trailer.has(tag)) out.push([tag, message.values[i] as string]);
    }
    return out;
  }

  /** Sends Logout and waits for the answer (or the logout timeout). */
  logout(text?: string): void {
    if (this.loggedOn && !this.sentLogout) this.sendLogout(text);
  }

  // --- incoming ---------------------------------------------------------------------------------------------------

  private process(message: FixMessage, queued: boolean): void {
    const msgType = message.msgType;
    if (message.get(Tag.BeginString) !== this.beginString) {
      if (!this.loggedOn) this.disconnect("wrong BeginString before Logon");
      else if (msgType === MsgType.Logout) this.nextLogout(message);
      else {
        this.sendLogout("Incorrect BeginString");
        if (message.getInt(Tag.MsgSeqNum) === this.nextTarget) this.incrementTarget();
      }
      return;
    }
    const error = validateMessage(this.deps.dictionary, message);
    if (error !== null) {
      if (msgType === MsgType.Logon && !this.loggedOn) {
        this.disconnect(`invalid Logon: ${SESSION_REJECT_TEXT[error.reason]} (${error.refTagId ?? "-"})`);
        return;
      }
      this.sendReject(message, error.reason, error.refTagId);
    } else {
      switch (msgType) {
        case MsgType.Logon:
          this.nextLogon(message);
          break;
        case MsgType.Heartbeat:
        case MsgType.Reject:
          if (this.verify(message, true, true)) this.incrementTarget();
          break;
        case MsgType.TestRequest:
          if (this.verify(message, true, true)) {
            this.sendAdmin(MsgType.Heartbeat, [[Tag.TestReqID, message.get(Tag.TestReqID) ?? ""]]);
            this.incrementTarget();
          }
          break;
        case MsgType.SequenceReset:
          this.nextSequenceReset(message);
          break;
        case MsgType.Logout:
          this.nextLogout(message);
          break;
        case MsgType.ResendRequest:
          this.nextResendRequest(message);
          break;
        default:
          if (!this.loggedOn) {
            this.disconnect("application message before Logon");
            return;
          }
          if (this.verify(message, true, true)) {
            this.incrementTarget();
            this.deps.application.onMessage(this, message);
          }
      }
    }
    if (!queued) this.processQueued();
  }

  private processQueued(): void {
    while (this.output !== null) {
      for (const seq of this.queue.keys()) if (seq < this.nextTarget) this.queue.delete(seq);
      const message = this.queue.get(this.nextTarget);
      if (message === undefined) return;
      this.queue.delete(this.nextTarget);
      this.log(`processing queued message ${this.nextTarget}`);
      const msgType = message.msgType;
      if (msgType === MsgType.Logon || msgType === MsgType.ResendRequest) this.incrementTarget();
      else this.process(message, true);
    }
  }

  private nextLogon(message: FixMessage): void {
    if (this.initiated !== null && !this.loggedOn) {
      this.logonAnswered(message);
      return;
    }
    const reset = message.getFlag(Tag.ResetSeqNumFlag);
    if (this.loggedOn && !reset) {
      this.disconnect("Logon received while logged on");
      return;
    }
    if (reset || (this.resetOnLogon && !this.loggedOn)) this.resetSeqNums();
    if (!this.verify(message, false, true)) return;
    const heartBtInt = message.getInt(Tag.HeartBtInt) ?? -1;
    if (heartBtInt < 0) {
      this.disconnect("Logon with a negative HeartBtInt");
      return;
    }
    const refusal = this.deps.application.refuseLogon?.(this, message) ?? null;
    if (refusal !== null) {
      this.sendAdmin(MsgType.Logout, [[Tag.Text, refusal]]);
      this.disconnect(`Logon refused: ${refusal}`);
      return;
    }
    this.heartBtIntMicros = heartBtInt * 1_000_000;
    this.loggedOn = true;
    this.testRequestsSent = 0;
    const body: FixField[] = [
      [Tag.EncryptMethod, 0],
      [Tag.HeartBtInt, heartBtInt],
    ];
    if (reset) body.push([Tag.ResetSeqNumFlag, "Y"]);
    this.sendAdmin(MsgType.Logon, body);
    const seq = message.getInt(Tag.MsgSeqNum) ?? 0;
    if (seq > this.nextTarget) this.targetTooHigh(message, seq);
    else this.incrementTarget();
    this.deps.application.onLogon?.(this);
  }

  /** Initiator: the peer's Logon answers ours. Its HeartBtInt must be ours; its MsgSeqNum obeys the usual checks. */
  private logonAnswered(message: FixMessage): void {
    const asked = this.initiated;
    if (asked === null) return;
    if (message.getFlag(Tag.ResetSeqNumFlag) && !asked.resetSeqNum) {
      // The acceptor reset on its own: its numbers start again at 1 (ours went on from our Logon).
      this.setTarget(1);
    }
    if (!this.verify(message, false, true)) return;
    if ((message.getInt(Tag.HeartBtInt) ?? -1) * 1_000_000 !== this.heartBtIntMicros) {
      this.disconnect("Logon answer with another HeartBtInt");
      return;
    }
    this.initiated = null;
    this.loggedOn = true;
    this.testRequestsSent = 0;
    const seq = message.getInt(Tag.MsgSeqNum) ?? 0;
    if (seq > this.nextTarget) this.targetTooHigh(message, seq);
    else this.incrementTarget();
    this.deps.application.onLogon?.(this);
  }

  private nextLogout(message: FixMessage): void {
    if (!this.verify(message, false, false)) return;
    if (!this.sentLogout) this.sendLogout();
    if (message.getInt(Tag.MsgSeqNum) === this.nextTarget) this.incrementTarget();
    this.disconnect("Logout");
  }

  private nextSequenceReset(message: FixMessage): void {
    const gapFill = message.getFlag(Tag.GapFillFlag);
    if (!this.verify(message, gapFill, gapFill)) return;
    const newSeqNo = message.getInt(Tag.NewSeqNo) ?? 0;
    if (newSeqNo > this.nextTarget) this.setTarget(newSeqNo);
    else if (newSeqNo < this.nextTarget) this.sendReject(message, SessionRejectReason.ValueIsIncorrect, null);
  }

  private nextResendRequest(message: FixMessage): void {
    if (!this.verify(message, false, false)) return;
    const begin = message.getInt(Tag.BeginSeqNo) ?? 0;
    let end = message.getInt(Tag.EndSeqNo) ?? 0;
    const infinity = this.fix42OrLater ? end === 0 : end === 999_999;
    if (infinity || end >= this.nextSender) end = this.nextSender - 1;
    this.log(`ResendRequest ${begin}..${end}`);
    this.resend(begin, end);
    const seq = message.getInt(Tag.MsgSeqNum) ?? 0;
    if (seq === this.nextTarget) this.incrementTarget();
    else if (seq > this.nextTarget) this.targetTooHigh(message, seq);
  }

  /** Resends stored application messages in [begin, end]; admin or missing numbers become SequenceReset-GapFill. */
  private resend(begin: number, end: number): void {
    if (begin < 1 || begin > end) return;
    // Stored messages may report upstream records not yet durable: the resend leaves after them.
    this.groupAfter = Math.max(this.groupAfter, this.lastAfter);
    let gapStart = begin;
    for (const stored of this.deps.store.sentBetween(this.id, begin, end)) {
      const decoded = decodeFix(stored.raw);
      if (!decoded.ok) continue;
      const original = decoded.message;
      if (isAdminMsgType(original.msgType)) continue;
      if (stored.msgSeqNum > gapStart) this.sendGapFill(gapStart, stored.msgSeqNum);
      const header: FixField[] = [];
      for (let i = 3; i < original.tags.length; i++) {
        const tag = original.tags[i] as number;
        if (tag === Tag.PossResend || ROUTE_REVERSAL.some(([from]) => from === tag)) {
          header.push([tag, original.values[i] as string]);
        }
      }
      this.sendRaw(original.msgType, this.bodyOf(original), {
        header,
        resendAs: { msgSeqNum: stored.msgSeqNum, origSendingTime: original.get(Tag.SendingTime) ?? "" },
      });
      gapStart = stored.msgSeqNum + 1;
    }
    if (gapStart <= end) this.sendGapFill(gapStart, end + 1);
  }

  private sendGapFill(msgSeqNum: number, newSeqNo: number): void {
    const now = formatUtcTimestamp(this.deps.clock.now());
    this.sendRaw(
      MsgType.SequenceReset,
      [
        [Tag.GapFillFlag, "Y"],
        [Tag.NewSeqNo, newSeqNo],
      ],
      { resendAs: { msgSeqNum, origSendingTime: now } },
    );
  }

  /**
   * The checks every message passes after validation: SendingTime accuracy, CompIDs, then MsgSeqNum (when asked).
   * False when the message must not be processed further (it was queued, dropped, rejected or we disconnected).
   */
  private verify(message: FixMessage, checkTooHigh: boolean, checkTooLow: boolean): boolean {
    const now = this.deps.clock.now();
    const sendingTime = parseUtcTimestamp(message.get(Tag.SendingTime) ?? "");
    if (Number.isNaN(sendingTime) || Math.abs(now - sendingTime) > this.maxLatencyMicros) {
      if (!this.loggedOn) this.disconnect("Logon SendingTime accuracy problem");
      else {
        this.sendReject(message, SessionRejectReason.SendingTimeAccuracyProblem, null);
        this.sendLogout();
      }
      return false;
    }
    if (message.get(Tag.SenderCompID) !== this.targetCompId || message.get(Tag.TargetCompID) !== this.senderCompId) {
      if (!this.loggedOn) this.disconnect("Logon CompID problem");
      else {
        this.sendReject(message, SessionRejectReason.CompIdProblem, null);
        this.sendLogout();
      }
      return false;
    }
    this.lastReceivedAt = now;
    this.testRequestsSent = 0;
    const seq = message.getInt(Tag.MsgSeqNum) ?? 0;
    if (checkTooHigh && seq > this.nextTarget) {
      this.targetTooHigh(message, seq);
      return false;
    }
    if (checkTooLow && seq < this.nextTarget) {
      this.targetTooLow(message, seq);
      return false;
    }
    if ((checkTooHigh || checkTooLow) && this.resendRange !== null && seq >= this.resendRange.end) {
      this.log(`ResendRequest ${this.resendRange.begin}..${this.resendRange.end} satisfied`);
      this.resendRange = null;
    }
    return true;
  }

  private targetTooHigh(message: FixMessage, seq: number): void {
    this.log(`MsgSeqNum too high, expecting ${this.nextTarget} but received ${seq}: queued`);
    this.queue.set(seq, message);
    if (this.resendRange !== null && seq >= this.resendRange.begin) return;
    const begin = this.nextTarget;
    this.sendAdmin(MsgType.ResendRequest, [
      [Tag.BeginSeqNo, begin],
      [Tag.EndSeqNo, this.fix42OrLater ? 0 : 999_999],
    ]);
    this.resendRange = { begin, end: seq - 1 };
  }

  private targetTooLow(message: FixMessage, seq: number): void {
    if (!message.getFlag(Tag.PossDupFlag)) {
      this.sendLogout(`MsgSeqNum too low, expecting ${this.nextTarget} but received ${seq}`);
      this.disconnect("MsgSeqNum too low without PossDupFlag");
      return;
    }
    if (message.msgType !== MsgType.SequenceReset) {
      const orig = message.get(Tag.OrigSendingTime);
      if (orig === undefined) {
        this.sendReject(message, SessionRejectReason.RequiredTagMissing, Tag.OrigSendingTime);
        return;
      }
      if (parseUtcTimestamp(orig) > parseUtcTimestamp(message.get(Tag.SendingTime) ?? "")) {
        this.sendReject(message, SessionRejectReason.SendingTimeAccuracyProblem, null);
        this.sendLogout();
        return;
      }
    }
    this.log(`possible duplicate ${seq} dropped`);
  }

  // --- outgoing ---------------------------------------------------------------------------------------------------

  private sendReject(ref: FixMessage, reason: number, refTagId: number | null): void {
    const body: FixField[] = [];
    const refSeq = ref.get(Tag.MsgSeqNum);
    if (refSeq !== undefined && refSeq !== "") body.push([Tag.RefSeqNum, refSeq]);
    const text = SESSION_REJECT_TEXT[reason] ?? "Rejected";
    if (this.fix42OrLater) {
      if (ref.msgType !== "") body.push([Tag.RefMsgType, ref.msgType]);
      if (this.beginString > "FIX.4.2" || reason <= SessionRejectReason.InvalidMsgType) {
        body.push([Tag.SessionRejectReason, reason]);
      }
      if (refTagId !== null) body.push([Tag.RefTagID, refTagId]);
      body.push([Tag.Text, text]);
    } else {
      body.push([Tag.Text, refTagId === null ? text : `${text} (${refTagId})`]);
    }
    const msgType = ref.msgType;
    if (
      msgType !== MsgType.Logon &&
      msgType !== MsgType.SequenceReset &&
      ref.getInt(Tag.MsgSeqNum) === this.nextTarget
    ) {
      this.incrementTarget();
    }
    const header: FixField[] = [];
    for (const [from, to] of ROUTE_REVERSAL) {
      const value = ref.get(from);
      if (value !== undefined && value !== "") header.push([to, value]);
    }
    this.log(`rejecting ${refSeq ?? "?"}: ${text}${refTagId === null ? "" : ` (${refTagId})`}`);
    this.sendRaw(MsgType.Reject, body, { header });
  }

  private sendLogout(text?: string): void {
    this.sendAdmin(MsgType.Logout, text === undefined ? [] : [[Tag.Text, text]]);
    this.sentLogout = true;
    this.sentLogoutAt = this.deps.clock.now();
  }

  private sendAdmin(msgType: string, body: readonly FixField[]): void {
    this.sendRaw(msgType, body, {});
  }

  private sendRaw(msgType: string, body: readonly FixField[], options: SendOptions): boolean {
    if (!this.grouping && this.output !== null) return this.group(() => this.sendRaw(msgType, body, options));
    const now = this.deps.clock.now();
    const resendAs = options.resendAs;
    const msgSeqNum = resendAs?.msgSeqNum ?? this.nextSender;
    const fields: FixField[] = [
      [Tag.MsgType, msgType],
      [Tag.SenderCompID, this.senderCompId],
      [Tag.TargetCompID, this.targetCompId],
      [Tag.MsgSeqNum, msgSeqNum],
    ];
    if (resendAs !== undefined) fields.push([Tag.PossDupFlag, "Y"]);
    fields.push([Tag.SendingTime, formatUtcTimestamp(now)]);
    if (resendAs !== undefined) fields.push([Tag.OrigSendingTime, resendAs.origSendingTime]);
    if (options.header !== undefined) fields.push(...options.header);
    fields.push(...body);
    const raw = encodeFix(this.beginString, fields);
    const admin = isAdminMsgType(msgType);
    const after = options.after ?? 0;
    if (after > this.groupAfter) this.groupAfter = after;
    if (after > this.lastAfter) this.lastAfter = after;
    if (resendAs === undefined) {
      try {
        if (admin || options.transient === true) this.deps.store.setNextSenderMsgSeqNum(this.id, msgSeqNum + 1);
        else this.deps.store.recordSent(this.id, msgSeqNum, raw, after);
      } catch (error) {
        this.log(`message store failed, disconnecting: ${(error as Error).message}`);
        this.disconnect("message store failure");
        return false;
      }
      this.nextSender = msgSeqNum + 1;
    }
    const output = this.output;
    if (output === null || (!admin && !this.loggedOn)) return false;
    this.lastSentAt = now;
    output.write(raw);
    return true;
  }

  // --- state ------------------------------------------------------------------------------------------------------

  private incrementTarget(): void {
    this.setTarget(this.nextTarget + 1);
  }

  private setTarget(next: number): void {
    this.deps.store.setNextTargetMsgSeqNum(this.id, next);
    this.nextTarget = next;
  }

  private resetSeqNums(): void {
    this.deps.store.reset(this.id);
    this.nextSender = 1;
    this.nextTarget = 1;
    this.queue.clear();
    this.resendRange = null;
    this.log("sequence numbers reset to 1");
  }

  /** Closes the connection (our side) and ends the logical session. */
  disconnect(reason: string): void {
    const output = this.output;
    this.output = null;
    if (output !== null) {
      this.log(`disconnecting: ${reason}`);
      // After the bytes still held for this connection (inside a group, `output` is the group's and holds it).
      const last = this.held[this.held.length - 1];
      if (last !== undefined && last.output === output) last.disconnect = true;
      else output.disconnect();
    }
    this.endConnection(reason);
  }

  private endConnection(reason: string): void {
    const wasLoggedOn = this.loggedOn;
    this.loggedOn = false;
    this.initiated = null;
    this.sentLogout = false;
    this.queue.clear();
    this.resendRange = null;
    if (wasLoggedOn) {
      this.log(`logged out (${reason})`);
      this.deps.application.onLogout?.(this);
    }
  }

  private log(line: string): void {
    this.deps.log?.(`${this.id}: ${line}`);
  }
}
