/**
 * A worker thread that the calling thread can wait on: a synchronous port (the FIX message stores, the journal read
 * back) over an asynchronous client (node-postgres) or a thread of its own (SQLite commits off the event loop). `call`
 * posts one request and blocks in `Atomics.wait` until the worker has put its answer on the port, then takes it with
 * `receiveMessageOnPort`; `post` sends a message that needs no answer, in order with the calls; the worker may also
 * `report` at any time (`onReport`, on the caller's event loop). `blockingWorkerSide` is the worker's side.
 * Limits: a call blocks the caller's thread for the worker's round trip (use it where calls are rare or batched); a
 * worker that does not answer within `waitSeconds` fails the call.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  MessageChannel,
  type MessagePort,
  parentPort,
  receiveMessageOnPort,
  Worker,
  workerData,
} from "node:worker_threads";

/** What the worker receives as `workerData`: the caller's setup, the port and the flag it wakes the caller with. */
export interface BlockingWorkerData<Setup> {
  readonly setup: Setup;
  readonly port: MessagePort;
  /** One Int32: 0 while a request runs, 1 once its answer is on the port. */
  readonly shared: SharedArrayBuffer;
}

/** The answer to a call: its value, or why it failed. */
export type BlockingReply =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };

export interface BlockingWorkerOptions {
  /** How long a call waits for its answer (default 30 s). */
  readonly waitSeconds?: number;
  /** What the worker reports on its own (`report`), and an error that stops it. */
  readonly onReport?: (report: unknown) => void;
  readonly onError?: (error: Error) => void;
}

/**
 * The worker script `name` (a .js file) beside `importMetaUrl`'s module once built, or in dist/ when the module runs
 * from its TypeScript source (tests).
 */
export function workerScript(importMetaUrl: string, name: string, distDir: string): URL {
  const beside = new URL(`./${name}`, importMetaUrl);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL(`../../dist/src/${distDir}/${name}`, importMetaUrl);
}

export class BlockingWorker<Request, Setup> {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly shared = new SharedArrayBuffer(4);
  private readonly done = new Int32Array(this.shared);

  private readonly waitSeconds: number;

  /** `fail` turns a problem (the worker's error message, or no answer) into the error a call throws. */
  constructor(
    script: URL,
    setup: Setup,
    private readonly fail: (message: string) => Error,
    options: BlockingWorkerOptions = {},
  ) {
    this.waitSeconds = options.waitSeconds ?? 30;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const data: BlockingWorkerData<Setup> = { setup, port: port2, shared: this.shared };
    this.worker = new Worker(script, { workerData: data, transferList: [port2] });
    this.worker.unref();
    if (options.onReport) this.worker.on("message", options.onReport);
    if (options.onError) this.worker.on("error", options.onError);
  }

  /** Sends one request and waits (blocking this thread) for its answer. */
  call(request: Request): unknown {
    Atomics.store(this.done, 0, 0);
    this.port.postMessage(request);
    for (let waited = 0; Atomics.load(this.done, 0) === 0; waited++) {
      if (waited >= this.waitSeconds) throw this.fail(`no answer within ${this.waitSeconds} s`);
      Atomics.wait(this.done, 0, 0, 1_000);
    }
    const reply = receiveMessageOnPort(this.port)?.message as BlockingReply | undefined;
    if (reply === undefined) throw this.fail("no answer on the port");
    if (!reply.ok) throw this.fail(reply.message);
    return reply.value;
  }

  /** Sends a message that needs no answer, in order with the calls. */
  post(message: Request): void {
    this.port.postMessage(message);
  }

  terminate(): void {
    void this.worker.terminate();
  }
}

/**
 * In the worker: the setup the caller gave; `serve` answers every message with `run`, one at a time; or, lower down,
 * `listen` hears every message and `answer` answers a call (exactly once per call, none for a `post`); `report`
 * tells the caller something unasked.
 */
export function blockingWorkerSide<Request, Setup>(): {
  readonly setup: Setup;
  serve(run: (request: Request) => Promise<unknown>): void;
  listen(handle: (message: Request) => void): void;
  answer(reply: BlockingReply): void;
  report(message: unknown): void;
} {
  const data = workerData as BlockingWorkerData<Setup>;
  const done = new Int32Array(data.shared);
  const answer = (reply: BlockingReply): void => {
    data.port.postMessage(reply);
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  };
  const listen = (handle: (message: Request) => void): void => {
    data.port.on("message", handle);
  };
  return {
    setup: data.setup,
    serve(run) {
      listen((request) => {
        run(request).then(
          (value) => answer({ ok: true, value }),
          (error: Error) => answer({ ok: false, message: error.message || String(error) }),
        );
      });
    },
    listen,
    answer,
    report: (message) => parentPort?.postMessage(message),
  };
}
