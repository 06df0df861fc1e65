/**
 * The HTTP API (Fastify): order intake, amendments, queries, operator routes, the event stream's upgrade, metrics,
 * health and the OpenAPI document generated from the request schemas (request-schemas.ts).
 *
 * - Authentication on every route but /health, /ready, /metrics and /openapi.json: `Authorization: Bearer <token>`
 *   (auth.ts); 401 without a valid one. A source acts on its own orders only: another source's order is "unknown"
 *   (404, the same answer as an order that does not exist, so nothing leaks). Admin-only routes answer 403 to sources.
 * - Acknowledgement after durability: every answer to an engine command (accepted, refused, cancelled, ...) is sent
 *   only once the journal has made the command's events durable (group commit: throughput, not latency per order).
 * - Errors are JSON `{ error, field, message }`: `error` a stable code (the intake reason codes for orders), `field`
 *   the body path at fault or null. 400 a bad body or a validation refusal, 401, 403, 404, 409 (duplicate id, too late,
 *   already pending), 413 body over the limit, 422 a risk refusal, 429 over the rate limit, 503 while stopping.
 * - Limits: body size (`http.bodyLimitBytes`), orders per batch, and a rate limit per principal (per address on the
 *   public routes), so a flood from one source is refused while the others are served.
 * - Logs: no request bodies, no headers; refusals at info and accepted orders at debug, each with the request id.
 */
import type { Server } from "node:http";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from "fastify";
import type { Logger } from "pino";
import { microsToIso } from "../core/clock.js";
import type { AmendResult, Engine, SubmitResult } from "../engine/engine.js";
import { parseTime } from "../intake/normalise-order.js";
import type { ReleasedOrder } from "../journal/released-orders.js";
import type { KillScope } from "../model/client-commands.js";
import { type OrderRejectReason, rejectCategory } from "../model/client-order-reasons.js";
import type { Authenticator, Principal } from "./auth.js";
import { type EventStream, STREAM_EVENT_TYPES, type StreamFilter } from "./event-stream.js";
import type { ServiceMetrics } from "./metrics.js";
import { type FillLog, orderView } from "./order-view.js";
import { overFillPositions } from "./parent-progress.js";
import { lazyRequestLogger } from "./request-logger.js";
import {
  batchBody,
  cancelBody,
  jsonSchema,
  killBody,
  type OrderBody,
  orderBody,
  orderInput,
  orderQuery,
  parseRequest,
  RequestRefusal,
  replaceBody,
} from "./request-schemas.js";
import type { ServiceConfig } from "./service-config.js";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
    /** Whether the request waited for the journal (its latency is an acknowledgement's). */
    acked: boolean;
  }
  interface FastifyContextConfig {
    /** Public route: no token needed. */
    public?: boolean;
    /** Observed in the acknowledgement latency histogram under this name. */
    ack?: string;
  }
}

/** What the journal offers the API: its head, and a promise per seq. */
export interface AckJournal {
  readonly headSeq: number;
  durable(seq: number): Promise<void>;
}

export interface HttpApiDeps {
  readonly engine: Engine;
  readonly journal: AckJournal;
  readonly auth: Authenticator;
  readonly fills: FillLog;
  readonly stream: EventStream;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  readonly http: ServiceConfig["http"];
  readonly venues: () => readonly { readonly id: string; readonly kind: string; readonly up: boolean }[];
  readonly parents: () => unknown[];
  /** The configuration in effect, without secrets (for GET /config). */
  readonly config: () => unknown;
  /** Where orders the engine has released are read back (null: the engine releases none). */
  readonly released: { find(source: string, clOrdId: string): ReleasedOrder | null } | null;
  /** Memory use after a full garbage collection when the process can run one (node --expose-gc), with counts. */
  readonly memory: () => unknown;
  /** The session's close (µs): an order without an end time is a day order, expiring then. */
  readonly dayEnd: number;
  /** Whether orders are taken now: not while stopping, nor after the close (order routes and /ready answer 503). */
  readonly intake: () => "starting" | "open" | "closed" | "stopping";
}

const bearer = [{ bearer: [] }];

/** A caller's request id that is used as given: 1 to 128 printable ASCII characters. */
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** The 503s of intake closed on purpose (starting, the session's close, a stop): refusals, not failures. */
const INTAKE_CLOSED: ReadonlySet<string> = new Set(["starting", "session-closed", "shutting-down"]);

/** The routes (by their `ack` name) that take orders and amendments: their refusals count as order rejects. */
const AMENDS: ReadonlySet<string> = new Set(["orders", "orders-batch", "cancel", "replace"]);

/** Every refusal: `{error, field, message}` (documented on each route; Fastify writes it with a compiled serialiser). */
const refusal = {
  description: "refused: a stable code, the field at fault (or null) and a message",
  type: "object",
  properties: {
    error: { type: "string" },
    field: { type: ["string", "null"] },
    message: { type: "string" },
  },
  required: ["error", "field", "message"],
};
const refusals = { "4xx": refusal, "5xx": refusal };

/**
 * The 201 of `POST /orders`: with a response schema Fastify writes it with a serialiser compiled from the schema
 * (fast-json-stringify) instead of `JSON.stringify`, and the OpenAPI document shows it.
 */
const orderAccepted = {
  description: "accepted: the order's events are durable",
  type: "object",
  properties: {
    cl_ord_id: { type: "string" },
    order_id: { type: "integer" },
    parent_id: { type: "integer" },
    status: { type: "string", enum: ["new"] },
  },
  required: ["cl_ord_id", "order_id", "parent_id", "status"],
};

export async function createHttpApi(deps: HttpApiDeps, tls: { cert: Buffer; key: Buffer } | null) {
  const { engine, journal, auth, http } = deps;
  let requestCount = 0;
  const app = Fastify({
    loggerInstance: deps.logger,
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger, bindings, options) => lazyRequestLogger(logger as Logger, bindings, options),
    // The caller's x-request-id when it is a short printable id (it is echoed and logged), else one of ours.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : `req-${(++requestCount).toString(36)}`;
    },
    bodyLimit: http.bodyLimitBytes,
    // While closing, requests on open connections reach the routes, which refuse orders with our 503 shutting-down.
    return503OnClosing: false,
    frameworkErrors: (error, _request, reply) => {
      void (reply as FastifyReply).code(400).send({ error: "bad-request", field: null, message: error.message });
    },
    ...(tls === null ? {} : { https: tls }),
  }) as unknown as FastifyInstance<Server>;
  // JSON only: Fastify also parses text/plain, which would reach the schemas as a string (415 like any other type).
  app.removeContentTypeParser("text/plain");
  // Bodies are validated by zod in the handlers (the same schemas the OpenAPI document shows): no second validator.
  app.setValidatorCompiler(() => () => true);
  app.decorateRequest("principal", null);
  app.decorateRequest("acked", false);
  // First, so that its hooks see every upgrade request, also those refused by ours (it closes their sockets).
  await app.register(websocket, { options: { maxPayload: 4096 } });

  const rateLimited = (max: number, after: string) =>
    new RequestRefusal(429, "rate-limited", null, `more than ${max} requests in ${after}; retry later`);
  await app.register(rateLimit, {
    global: true,
    hook: "preParsing",
    max: http.rateLimit.max,
    timeWindow: http.rateLimit.windowMs,
    keyGenerator: (request) => (request.principal === null ? `ip:${request.ip}` : `p:${request.principal.id}`),
    errorResponseBuilder: (_request, context) => rateLimited(context.max, context.after),
  });
  // Requests refused by authentication never reach the limiter above: they are counted by address here, so token
  // guessing and floods of bad tokens get 429 like any other flood.
  const unauthenticated = app.createRateLimit({ keyGenerator: (request) => `unauthenticated:${request.ip}` });

  // Hooks in the callback style: an async hook costs a promise and a microtask per request.
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    // While stopping, every answer ends its connection: the client learns it and opens no further request on it, so
    // the connections close before the listener does and none is cut under a request on its way.
    if (deps.intake() === "stopping") reply.header("connection", "close");
    if (request.routeOptions.config.public === true) return done();
    request.principal = auth.authenticate(request.headers.authorization);
    if (request.principal !== null) return done();
    const message =
      request.headers.authorization === undefined ? "missing Authorization: Bearer <token>" : "invalid token";
    unauthenticated(request).then(
      (limit) =>
        done(
          !limit.isAllowed && limit.isExceeded
            ? rateLimited(limit.max, `${http.rateLimit.windowMs} ms`)
            : new RequestRefusal(401, "unauthorized", "authorization", message),
        ),
      (error: Error) => done(error),
    );
  });
  app.addHook("onResponse", (request, reply, done) => {
    // Only requests that waited for the journal: a refusal answered before it would pull the latencies down.
    const ack = request.routeOptions.config.ack;
    if (ack !== undefined && request.acked) deps.metrics.ackSeconds.observe({ route: ack }, reply.elapsedTime / 1000);
    done();
  });
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: { title: "Tributary live service", version: "1" },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    },
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const refusal = asRefusal(error, http.bodyLimitBytes);
    // Intake closed on purpose is the service working as it should: info, like other refusals.
    const failed = refusal.statusCode >= 500 && !INTAKE_CLOSED.has(refusal.reason);
    if (failed) request.log.error({ err: error }, "request failed");
    else request.log.info({ error: refusal.reason, field: refusal.field, status: refusal.statusCode }, refusal.message);
    if ((refusal.statusCode === 400 || refusal.statusCode === 403) && AMENDS.has(request.routeOptions.config.ack ?? ""))
      deps.metrics.requestRefused(request.principal?.id ?? null, refusal.reason);
    void reply.code(refusal.statusCode).send({ error: refusal.reason, field: refusal.field, message: refusal.message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send({ error: "not-found", field: null, message: `no route ${request.method} ${request.url}` });
  });

  const ack = async (request: FastifyRequest): Promise<void> => {
    request.acked = true;
    try {
      await journal.durable(journal.headSeq);
    } catch (error) {
      throw new RequestRefusal(503, "journal-unavailable", null, (error as Error).message);
    }
  };
  const intake = (): void => {
    const state = deps.intake();
    if (state === "closed") throw new RequestRefusal(503, "session-closed", null, "the trading session has closed");
    if (state === "stopping") throw new RequestRefusal(503, "shutting-down", null, "the service is stopping");
    if (state === "starting") throw new RequestRefusal(503, "starting", null, "the service is starting");
  };

  // ---- orders -----------------------------------------------------------------------------------------------------

  const submit = (principal: Principal, body: OrderBody): SubmitResult => {
    if (body.source !== undefined && body.source !== principal.id) {
      throw new RequestRefusal(403, "forbidden", "source", `this token places orders for source ${principal.id} only`);
    }
    const refusal = sourceRefusal(principal, body, deps.dayEnd);
    if (refusal !== null) {
      engine.recordReject(
        { source: principal.id, clOrdId: body.cl_ord_id, account: body.account, symbol: body.symbol },
        refusal,
      );
      return { ok: false, ...refusal };
    }
    return engine.submit(orderInput(body, principal.id, deps.dayEnd));
  };

  app.post(
    "/orders",
    {
      config: { ack: "orders" },
      schema: {
        summary: "submit one order",
        tags: ["orders"],
        security: bearer,
        body: jsonSchema(orderBody),
        response: { 201: orderAccepted, ...refusals },
      },
    },
    async (request, reply) => {
      const principal = sourceOf(request);
      intake();
      const body = parseRequest(orderBody, request.body);
      const result = submit(principal, body);
      await ack(request);
      if (!result.ok) return refuse(reply, orderStatus(result.reason), result);
      request.log.debug({ clOrdId: body.cl_ord_id, orderId: result.orderId }, "order accepted");
      return reply
        .code(201)
        .send({ cl_ord_id: body.cl_ord_id, order_id: result.orderId, parent_id: result.parentId, status: "new" });
    },
  );

  const batch = batchBody(http.maxBatchOrders);
  app.post(
    "/orders/batch",
    {
      config: { ack: "orders-batch" },
      schema: {
        summary: "submit several orders",
        tags: ["orders"],
        security: bearer,
        response: refusals,
        body: jsonSchema(batch),
      },
    },
    async (request) => {
      const principal = sourceOf(request);
      intake();
      const { orders } = parseRequest(batch, request.body);
      orders.forEach((o, i) => {
        if (o.source !== undefined && o.source !== principal.id)
          throw new RequestRefusal(
            403,
            "forbidden",
            `orders[${i}].source`,
            `this token places orders for source ${principal.id} only`,
          );
      });
      const results = orders.map((o) => {
        const r = submit(principal, o);
        return r.ok
          ? { cl_ord_id: o.cl_ord_id, ok: true, order_id: r.orderId, parent_id: r.parentId }
          : { cl_ord_id: o.cl_ord_id, ok: false, error: r.reason, field: r.field, message: r.message };
      });
      await ack(request);
      const accepted = results.filter((r) => r.ok).length;
      return { accepted, rejected: results.length - accepted, results };
    },
  );

  const orderParams = {
    type: "object",
    properties: { clOrdId: { type: "string", description: "any ClOrdID the order has had" } },
    required: ["clOrdId"],
  };

  app.post<{ Params: { clOrdId: string }; Querystring: unknown }>(
    "/orders/:clOrdId/cancel",
    {
      config: { ack: "cancel" },
      schema: {
        summary: "cancel an order",
        tags: ["orders"],
        security: bearer,
        response: refusals,
        params: orderParams,
        querystring: jsonSchema(orderQuery),
        body: jsonSchema(cancelBody),
      },
    },
    async (request, reply) => {
      const source = targetSource(request);
      const body = parseRequest(cancelBody, request.body);
      const result = engine.cancel({ source, origClOrdId: request.params.clOrdId, clOrdId: body.cl_ord_id });
      await ack(request);
      if (!result.ok) return refuse(reply, amendStatus(result.reason), inPath(result));
      return {
        cl_ord_id: body.cl_ord_id ?? request.params.clOrdId,
        order_id: result.orderId,
        status: result.pending ? "pending-cancel" : "canceled",
      };
    },
  );

  app.post<{ Params: { clOrdId: string } }>(
    "/orders/:clOrdId/replace",
    {
      config: { ack: "replace" },
      schema: {
        summary: "replace an order (quantity, limit price)",
        tags: ["orders"],
        security: bearer,
        response: refusals,
        params: orderParams,
        body: jsonSchema(replaceBody),
      },
    },
    async (request, reply) => {
      const principal = sourceOf(request);
      intake();
      const body = parseRequest(replaceBody, request.body);
      const result: AmendResult = engine.replace({
        source: principal.id,
        origClOrdId: request.params.clOrdId,
        clOrdId: body.cl_ord_id,
        ...(body.quantity === undefined ? {} : { quantity: String(body.quantity) }),
        ...(body.limit_price === undefined ? {} : { limitPrice: String(body.limit_price) }),
      });
      await ack(request);
      if (!result.ok) return refuse(reply, amendStatus(result.reason), inPath(result));
      return {
        cl_ord_id: body.cl_ord_id,
        orig_cl_ord_id: request.params.clOrdId,
        order_id: result.orderId,
        status: result.pending ? "pending-replace" : "replaced",
      };
    },
  );

  app.get<{ Params: { clOrdId: string } }>(
    "/orders/:clOrdId",
    {
      schema: {
        summary: "an order's state and fills",
        tags: ["orders"],
        security: bearer,
        response: refusals,
        params: orderParams,
        querystring: jsonSchema(orderQuery),
      },
    },
    async (request) => {
      const source = targetSource(request);
      const held = engine.order(source, request.params.clOrdId);
      const found =
        held !== undefined
          ? { order: held, trades: deps.fills.of(held) }
          : deps.released?.find(source, request.params.clOrdId);
      if (found === undefined || found === null)
        throw new RequestRefusal(
          404,
          "unknown-order",
          "clOrdId",
          `no order ${request.params.clOrdId} from source ${source}`,
        );
      const { order, trades } = found;
      const instrument = engine.instruments.get(order.symbol);
      if (instrument === undefined) throw new Error(`order ${order.orderId} of unknown symbol ${order.symbol}`);
      return orderView(order, instrument, trades);
    },
  );

  // ---- operators --------------------------------------------------------------------------------------------------

  app.get(
    "/parents",
    {
      schema: {
        summary: "parent orders, their progress against schedule, and the firm's over-fill positions (admin)",
        tags: ["operators"],
        security: bearer,
        response: refusals,
      },
    },
    async (request) => {
      adminOf(request);
      return { parents: deps.parents(), over_fills: overFillPositions(deps.engine) };
    },
  );

  app.get(
    "/config",
    {
      schema: {
        summary: "the configuration in effect, without secrets (admin)",
        tags: ["operators"],
        security: bearer,
        response: refusals,
      },
    },
    async (request) => {
      adminOf(request);
      return deps.config();
    },
  );

  app.get(
    "/debug/memory",
    {
      schema: {
        summary:
          "memory after a full GC when run with node --expose-gc, the snapshot worker's heap, and the orders held (admin)",
        tags: ["operators"],
        security: bearer,
        response: refusals,
      },
    },
    async (request) => {
      adminOf(request);
      return deps.memory();
    },
  );

  app.get(
    "/venues",
    { schema: { summary: "venues and their state", tags: ["operators"], security: bearer, response: refusals } },
    async () => ({
      venues: deps.venues(),
    }),
  );

  for (const [path, active] of [
    ["/kill", true],
    ["/revive", false],
  ] as const) {
    app.post(
      path,
      {
        config: { ack: path.slice(1) },
        schema: {
          summary: `${active ? "activate" : "deactivate"} a kill switch (admin)`,
          tags: ["operators"],
          security: bearer,
          response: refusals,
          body: jsonSchema(killBody),
        },
      },
      async (request) => {
        const principal = adminOf(request);
        const body = parseRequest(killBody, request.body);
        const scope: KillScope = body.scope === "global" ? { scope: "global" } : { scope: body.scope, id: body.id };
        // A typo in an emergency kill must not look like success. (Accounts are open-ended: any account is one.)
        if (scope.scope === "source" && !engine.hasSource(scope.id))
          throw new RequestRefusal(404, "unknown-source", "id", `no source ${JSON.stringify(scope.id)}`);
        const reason = body.reason ?? `operator ${principal.id}`;
        if (active) engine.kill(scope, reason);
        else engine.revive(scope, reason);
        request.log.warn({ scope, active, admin: principal.id }, "kill switch");
        await ack(request);
        return { ...scope, active };
      },
    );
  }

  app.get(
    "/kill",
    {
      schema: {
        summary: "the kill switches active now, with the reason each was set for (admin)",
        tags: ["operators"],
        security: bearer,
        response: refusals,
      },
    },
    async (request) => {
      adminOf(request);
      return { active: engine.activeKills().map(({ scope, reason }) => ({ ...scope, reason })) };
    },
  );

  // ---- stream, health, metrics, documents -------------------------------------------------------------------------

  app.get(
    "/stream",
    {
      websocket: true,
      schema: {
        summary: "WebSocket stream of events (?types=a,b; admin: ?source=S)",
        tags: ["stream"],
        security: bearer,
      },
    },
    (socket, request) => {
      const principal = request.principal as Principal;
      const problem = streamProblem(request.query as Record<string, unknown>, principal, engine);
      if (typeof problem === "string") {
        socket.close(1008, problem);
        return;
      }
      deps.stream.add(socket, principal, problem);
    },
  );

  // Liveness and readiness are not rate-limited: a probe must not read 429 as "down" because of another caller.
  app.get(
    "/health",
    { config: { public: true, rateLimit: false }, schema: { summary: "liveness", tags: ["health"] } },
    async () => ({
      status: "ok",
    }),
  );
  app.get(
    "/ready",
    { config: { public: true, rateLimit: false }, schema: { summary: "readiness: taking orders", tags: ["health"] } },
    async (_request, reply) => {
      const state = deps.intake();
      return state === "open" ? { status: "ready" } : reply.code(503).send({ status: state });
    },
  );
  app.get(
    "/metrics",
    { config: { public: true }, schema: { summary: "Prometheus metrics", tags: ["health"] } },
    async (_request, reply) => {
      const text = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(text);
    },
  );
  app.get("/openapi.json", { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  return app;
}

/** The stream's filter from its query, or why it is refused (a close reason: at most 123 bytes). */
function streamProblem(query: Record<string, unknown>, principal: Principal, engine: Engine): StreamFilter | string {
  const { types, source, ...rest } = query;
  const other = Object.keys(rest)[0];
  if (other !== undefined) return `${other.slice(0, 40)}: unknown parameter (types, source)`;
  if (types !== undefined && typeof types !== "string") return "types: give it once, comma-separated";
  if (source !== undefined && typeof source !== "string") return "source: give one source";
  const set = types === undefined ? null : new Set(types.split(","));
  const unknown =
    set === null ? undefined : [...set].find((t) => !(STREAM_EVENT_TYPES as readonly string[]).includes(t));
  if (unknown !== undefined) return `types: unknown event type ${JSON.stringify(unknown.slice(0, 40))}`;
  if (source !== undefined) {
    if (principal.role !== "admin") return "source: admin only";
    if (!engine.hasSource(source)) return `source: no source ${JSON.stringify(source.slice(0, 40))}`;
  }
  return { types: set, source: source ?? null };
}

/**
 * What the HTTP layer refuses before intake: an account the source may not trade, and a day order (no end_time) that
 * starts at or after the session's close (intake would name the end time the service filled in, not the start).
 */
function sourceRefusal(
  principal: Principal,
  body: OrderBody,
  dayEnd: number,
): { readonly reason: OrderRejectReason; readonly field: string; readonly message: string } | null {
  if (principal.accounts !== null && !principal.accounts.has(body.account)) {
    return {
      reason: "invalid-account",
      field: "account",
      message: `account ${JSON.stringify(body.account)} is not allowed for source ${principal.id}`,
    };
  }
  if (body.end_time == null && body.start_time != null) {
    const start = parseTime(body.start_time);
    if (start !== undefined && start !== null && start >= dayEnd) {
      return {
        reason: "invalid-time",
        field: "start_time",
        message: `a day order (no end_time) must start before the session's close, ${microsToIso(dayEnd)}`,
      };
    }
  }
  return null;
}

function sourceOf(request: FastifyRequest): Principal {
  const principal = request.principal as Principal;
  if (principal.role !== "source")
    throw new RequestRefusal(403, "forbidden", null, "orders are placed by a source's token");
  return principal;
}

function adminOf(request: FastifyRequest): Principal {
  const principal = request.principal as Principal;
  if (principal.role !== "admin") throw new RequestRefusal(403, "forbidden", null, "admin only");
  return principal;
}

/** The source whose order a request is about: the caller's own, or for an admin `?source=`. */
function targetSource(request: FastifyRequest): string {
  const principal = request.principal as Principal;
  const query = parseRequest(orderQuery, request.query);
  if (principal.role === "source") {
    if (query.source !== undefined && query.source !== principal.id)
      throw new RequestRefusal(403, "forbidden", "source", `this token sees source ${principal.id} only`);
    return principal.id;
  }
  if (query.source === undefined)
    throw new RequestRefusal(400, "missing-field", "source", "an admin names the order's source");
  return query.source;
}

/** An amendment's refusal as HTTP names its fields: the order it is about is the path's `clOrdId`, not a body field. */
function inPath<R extends { readonly field: string | null }>(refusal: R): R {
  return refusal.field === "orig_cl_ord_id" ? { ...refusal, field: "clOrdId" } : refusal;
}

function refuse(reply: FastifyReply, status: number, r: { reason: string; field: string | null; message: string }) {
  return reply.code(status).send({ error: r.reason, field: r.field, message: r.message });
}

function orderStatus(reason: OrderRejectReason): number {
  if (reason === "duplicate-cl-ord-id") return 409;
  return rejectCategory(reason) === "risk" ? 422 : 400;
}

function amendStatus(reason: string): number {
  if (reason === "unknown-order") return 404;
  if (reason === "duplicate-cl-ord-id" || reason === "too-late-to-cancel" || reason === "already-pending") return 409;
  // The risk codes are shared by orders and amendments.
  return rejectCategory(reason as OrderRejectReason) === "risk" ? 422 : 400;
}

/** Any error as a refusal: ours as they are, Fastify's (body too large, bad JSON, media type) by status. */
function asRefusal(error: Error & { statusCode?: number; code?: string }, bodyLimit: number): RequestRefusal {
  if (error instanceof RequestRefusal) return error;
  switch (error.statusCode) {
    case 413:
      return new RequestRefusal(413, "body-too-large", null, `the request body is larger than ${bodyLimit} bytes`);
    case 415:
      return new RequestRefusal(415, "unsupported-media-type", null, "send application/json");
    case 400:
      return new RequestRefusal(
        400,
        error.code === "FST_ERR_CTP_EMPTY_JSON_BODY" ? "missing-body" : "invalid-json",
        null,
        error.message,
      );
    case 503:
      return new RequestRefusal(503, "shutting-down", null, "the service is stopping");
  }
  const status = error.statusCode ?? 500;
  return status < 500
    ? new RequestRefusal(status, "bad-request", null, error.message)
    : new RequestRefusal(500, "internal", null, "internal error");
}
