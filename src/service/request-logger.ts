/**
 * The logger of each HTTP request (`request.log`), made when first used. Fastify makes a pino child per request to bind
 * the request id (`reqId`), and making one serialises and redacts the bindings: 1.6% of the service's time under HTTP
 * order load, though a request that goes well logs nothing at the levels a service runs at. This child is an object
 * whose prototype is the service's logger (so its level, `isLevelEnabled` and the rest read through) and whose log
 * methods make the real child, with the same bindings, on the first call at an enabled level, then hand every call to
 * it.
 * Invariant: every line logged through it is the line the real child logs. Limit: a child with options of its own
 * (a route's `logLevel`) is made at once, as before.
 */
import type { Bindings, ChildLoggerOptions, Logger } from "pino";

type Level = "fatal" | "error" | "warn" | "info" | "debug" | "trace";
const LEVELS: readonly Level[] = ["fatal", "error", "warn", "info", "debug", "trace"];
const REAL = Symbol("real child");
const BINDINGS = Symbol("bindings");

interface Lazy {
  [REAL]?: Logger;
  [BINDINGS]: Bindings;
}

/** The prototype of the lazy children of one parent logger. */
const prototypes = new WeakMap<Logger, object>();

function prototypeOf(parent: Logger): object {
  const known = prototypes.get(parent);
  if (known !== undefined) return known;
  const real = (lazy: Lazy): Logger => {
    lazy[REAL] ??= parent.child(lazy[BINDINGS]);
    return lazy[REAL];
  };
  const methods: Record<string, unknown> = {
    child(this: Lazy, bindings: Bindings, options?: ChildLoggerOptions) {
      return real(this).child(bindings, options);
    },
    bindings(this: Lazy) {
      return real(this).bindings();
    },
  };
  for (const level of LEVELS) {
    methods[level] = function (this: Lazy, ...args: unknown[]) {
      if (!parent.isLevelEnabled(level)) return;
      (real(this)[level] as (...a: unknown[]) => void)(...args);
    };
  }
  const prototype = Object.assign(Object.create(parent) as object, methods);
  prototypes.set(parent, prototype);
  return prototype;
}

/** Fastify's `childLoggerFactory`: a lazy child of `logger` binding `bindings`. */
export function lazyRequestLogger(logger: Logger, bindings: Bindings, options: ChildLoggerOptions): Logger {
  for (const _ in options) return logger.child(bindings, options);
  const lazy = Object.create(prototypeOf(logger)) as Lazy;
  lazy[BINDINGS] = bindings;
  return lazy as unknown as Logger;
}
