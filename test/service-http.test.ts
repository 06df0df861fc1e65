/**
 * `tributary serve` as a real process, over HTTP and the WebSocket stream: authentication, isolation between sources,
 * the admin role, durable acknowledgements, bodies refused with the field named (the order file's reason codes),
 * oversized bodies, a flood from one source while another is still served, the OpenAPI document, health, readiness
 * and metrics.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  openStream,
  restingOrder,
  type ServiceProcess,
  serviceConfig,
  startServiceProcess,
  tempDir,
} from "./service-fixtures.js";

const DESK = "desk-secret-token";
const ROBO = "robo-secret-token";
const FLOOD = "flood-secret-token";
const ADMIN = "admin-secret-token";

describe("tributary serve: HTTP API and stream", () => {
  let service: ServiceProcess;
  let url: string;

  beforeAll(async () => {
    const dir = tempDir();
    const config = serviceConfig(dir, {
      sources: [
        { id: "DESK", token: DESK, accounts: ["D1", "D2"] },
        { id: "ROBO", token: ROBO },
        { id: "FLOOD", token: FLOOD },
      ],
      admins: [{ id: "ops", token: ADMIN }],
      http: { bodyLimitBytes: 4096, maxBatchOrders: 5, rateLimit: { max: 60, windowMs: 2000 } },
    });
    service = await startServiceProcess(dir, config);
    url = service.url;
  });

  afterAll(async () => {
    expect(await service.stop()).toBe(0);
    rmSync(service.dir, { recursive: true, force: true });
  });

  it("serves health, readiness, metrics and the OpenAPI document without a token", async () => {
    expect(await call(url, "GET", "/health", null)).toEqual({ status: 200, body: { status: "ok" } });
    expect(await call(url, "GET", "/ready", null)).toEqual({ status: 200, body: { status: "ready" } });
    const openapi = (await call(url, "GET", "/openapi.json", null)).body as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
    };
    const orderSchema = openapi.paths["/orders"]?.post?.requestBody?.content["application/json"]?.schema as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(orderSchema.properties)).toContain("limit_price");
    expect(orderSchema.required).toEqual(
      expect.arrayContaining(["cl_ord_id", "account", "symbol", "side", "quantity", "order_type"]),
    );
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(["/orders/batch", "/orders/{clOrdId}/cancel", "/kill", "/parents", "/venues"]),
    );
    // Refusals are documented on every route that takes a token: {error, field, message}.
    const cancel = openapi.paths["/orders/{clOrdId}/cancel"]?.post as { responses?: Record<string, unknown> };
    expect(cancel?.responses?.["4XX"]).toMatchObject({
      content: { "application/json": { schema: { required: ["error", "field", "message"] } } },
    });
  });

  it("echoes a caller's short request id, and replaces a long or unprintable one with its own", async () => {
    const id = async (given: string) =>
      (await fetch(`${url}/health`, { headers: { "x-request-id": given } })).headers.get("x-request-id");
    expect(await id("oms-42")).toBe("oms-42");
    expect(await id("x".repeat(300))).toMatch(/^req-[0-9a-z]+$/);
    expect(await id("two words")).toMatch(/^req-[0-9a-z]+$/);
  });

  it("refuses a missing or wrong token with 401, and never logs a token", async () => {
    const missing = await call(url, "POST", "/orders", null, restingOrder("x1", "D1"));
    expect(missing).toMatchObject({ status: 401, body: { error: "unauthorized", field: "authorization" } });
    const wrong = await call(url, "GET", "/venues", "not-a-token");
    expect(wrong).toMatchObject({ status: 401, body: { error: "unauthorized", message: "invalid token" } });
    const log = JSON.stringify(service.logs);
    for (const token of [DESK, ROBO, ADMIN, "not-a-token"]) expect(log).not.toContain(token);
  });

  it("accepts an order once durable, shows its state, and hides it from another source", async () => {
    const placed = await call(url, "POST", "/orders", DESK, restingOrder("d-1", "D1"));
    expect(placed).toMatchObject({ status: 201, body: { cl_ord_id: "d-1", status: "new" } });
    const mine = await call(url, "GET", "/orders/d-1", DESK);
    expect(mine).toMatchObject({
      status: 200,
      body: { cl_ord_id: "d-1", source: "DESK", quantity: "100", limit_price: "90.00", status: "new", fills: [] },
    });
    const theirs = await call(url, "GET", "/orders/d-1", ROBO);
    expect(theirs).toMatchObject({ status: 404, body: { error: "unknown-order", field: "clOrdId" } });
    const peek = await call(url, "GET", "/orders/d-1?source=DESK", ROBO);
    expect(peek).toMatchObject({ status: 403, body: { error: "forbidden", field: "source" } });
    const cancelTheirs = await call(url, "POST", "/orders/d-1/cancel", ROBO, {});
    expect(cancelTheirs).toMatchObject({ status: 404, body: { error: "unknown-order", field: "clOrdId" } });
    const asAdmin = await call(url, "GET", "/orders/d-1?source=DESK", ADMIN);
    expect(asAdmin).toMatchObject({ status: 200, body: { cl_ord_id: "d-1", status: "new" } });
    const forOther = await call(url, "POST", "/orders", ROBO, restingOrder("r-x", "R1", { source: "DESK" }));
    expect(forOther).toMatchObject({ status: 403, body: { error: "forbidden", field: "source" } });
  });

  it("replaces and cancels an order, and refuses a duplicate ClOrdID with 409", async () => {
    expect((await call(url, "POST", "/orders", DESK, restingOrder("d-2", "D2"))).status).toBe(201);
    const dup = await call(url, "POST", "/orders", DESK, restingOrder("d-2", "D2"));
    expect(dup).toMatchObject({ status: 409, body: { error: "duplicate-cl-ord-id", field: "cl_ord_id" } });
    const replaced = await call(url, "POST", "/orders/d-2/replace", DESK, { cl_ord_id: "d-2b", quantity: "250" });
    expect(replaced).toMatchObject({ status: 200, body: { cl_ord_id: "d-2b", status: "replaced" } });
    const state = await call(url, "GET", "/orders/d-2", DESK);
    expect(state.body).toMatchObject({ cl_ord_id: "d-2b", orig_cl_ord_ids: ["d-2"], quantity: "250" });
    const cancelled = await call(url, "POST", "/orders/d-2b/cancel", DESK, {});
    expect(cancelled).toMatchObject({ status: 200, body: { status: "canceled" } });
    const again = await call(url, "POST", "/orders/d-2b/cancel", DESK, {});
    expect(again).toMatchObject({ status: 409, body: { error: "too-late-to-cancel" } });
  });

  it.each([
    ["a fractional JSON quantity", { quantity: 10.5 }, "quantity", "invalid-quantity"],
    ["an unknown field", { colour: "red" }, "colour", "unknown-field"],
    ["a missing symbol", { symbol: undefined }, "symbol", "missing-field"],
    ["a quantity off the lot (intake)", { quantity: "10.5" }, "quantity", "quantity-not-lot-multiple"],
    ["a price off the tick (intake)", { limit_price: "90.001" }, "limit_price", "price-off-tick"],
    ["an unknown symbol (intake)", { symbol: "XYZ" }, "symbol", "unknown-symbol"],
    ["an account the source may not trade", { account: "OTHER" }, "account", "invalid-account"],
  ])("refuses %s with 400 naming the field", async (_what, change, field, reason) => {
    const body = { ...restingOrder(`bad-${reason}`, "D1"), ...change };
    const r = await call(url, "POST", "/orders", DESK, body);
    expect(r).toMatchObject({ status: 400, body: { error: reason, field } });
    expect(typeof r.body.message).toBe("string");
  });

  it("answers a batch order by order, names the order at fault, and caps the batch", async () => {
    const r = await call(url, "POST", "/orders/batch", ROBO, {
      orders: [restingOrder("b-1", "R1"), restingOrder("b-2", "R1", { side: "hold" })],
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      accepted: 1,
      rejected: 1,
      results: [
        { cl_ord_id: "b-1", ok: true },
        { cl_ord_id: "b-2", ok: false, error: "invalid-side", field: "side" },
      ],
    });
    const typed = await call(url, "POST", "/orders/batch", ROBO, {
      orders: [restingOrder("b-3", "R1"), restingOrder("b-4", "R1", { quantity: true })],
    });
    expect(typed).toMatchObject({ status: 400, body: { error: "invalid-quantity", field: "orders[1].quantity" } });
    const many = Array.from({ length: 6 }, (_, i) => restingOrder(`b-many-${i}`, "R1"));
    const capped = await call(url, "POST", "/orders/batch", ROBO, { orders: many });
    expect(capped).toMatchObject({ status: 400, body: { field: "orders" } });
  });

  it("refuses an oversized body with 413 and bad JSON with 400, and keeps serving", async () => {
    const big = await call(url, "POST", "/orders", DESK, {
      ...restingOrder("big", "D1"),
      tags: { x: "y".repeat(5000) },
    });
    expect(big).toMatchObject({ status: 413, body: { error: "body-too-large", field: null } });
    const garbled = await call(url, "POST", "/orders", DESK, "{not json");
    expect(garbled).toMatchObject({ status: 400, body: { error: "invalid-json" } });
    const text = await fetch(`${url}/orders`, {
      method: "POST",
      headers: { authorization: `Bearer ${DESK}`, "content-type": "text/plain" },
      body: "an order",
    });
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ error: "unsupported-media-type" });
    expect((await call(url, "POST", "/orders", DESK, restingOrder("after-big", "D1"))).status).toBe(201);
  });

  it("keeps the kill switch for admins (403 for a source) and refuses a killed source's orders", async () => {
    const bySource = await call(url, "POST", "/kill", DESK, { scope: "global" });
    expect(bySource).toMatchObject({ status: 403, body: { error: "forbidden" } });
    const parents = await call(url, "GET", "/parents", DESK);
    expect(parents.status).toBe(403);
    const kill = await call(url, "POST", "/kill", ADMIN, { scope: "source", id: "ROBO" });
    expect(kill).toMatchObject({ status: 200, body: { scope: "source", id: "ROBO", active: true } });
    // A typo in an emergency kill is refused, not taken for success; the switches on are listed.
    const typo = await call(url, "POST", "/kill", ADMIN, { scope: "source", id: "ROBBO" });
    expect(typo).toMatchObject({ status: 404, body: { error: "unknown-source", field: "id" } });
    expect(await call(url, "GET", "/kill", ADMIN)).toEqual({
      status: 200,
      body: { active: [{ scope: "source", id: "ROBO", reason: "operator ops" }] },
    });
    expect((await call(url, "GET", "/kill", DESK)).status).toBe(403);
    const refused = await call(url, "POST", "/orders", ROBO, restingOrder("k-1", "R1"));
    expect(refused).toMatchObject({ status: 422, body: { error: "kill-switch" } });
    expect((await call(url, "POST", "/orders", DESK, restingOrder("k-2", "D1"))).status).toBe(201);
    const bad = await call(url, "POST", "/kill", ADMIN, { scope: "planet" });
    expect(bad).toMatchObject({ status: 400, body: { field: "scope" } });
    expect((await call(url, "POST", "/revive", ADMIN, { scope: "source", id: "ROBO" })).status).toBe(200);
    expect((await call(url, "POST", "/orders", ROBO, restingOrder("k-3", "R1"))).status).toBe(201);
    const admin = await call(url, "GET", "/parents", ADMIN);
    expect((admin.body.parents as unknown[]).length).toBeGreaterThan(0);
    // No aggressive spray here: no over-fill position (test/spray-over-fill.test.ts has one).
    expect(admin.body.over_fills).toEqual([]);
    expect((await call(url, "GET", "/config", DESK)).status).toBe(403);
    const config = await call(url, "GET", "/config", ADMIN);
    expect(config.body).toMatchObject({
      sources: [{ id: "DESK", accounts: ["D1", "D2"] }, { id: "ROBO" }, { id: "FLOOD" }],
    });
    expect(JSON.stringify(config.body)).not.toMatch(/tokenSha256|[0-9a-f]{64}/);
    const venues = await call(url, "GET", "/venues", DESK);
    expect(venues.body.venues).toEqual(expect.arrayContaining([expect.objectContaining({ up: true })]));
  });

  it("streams a source its own events only, an admin everything, and refuses a bad filter", async () => {
    const desk = await openStream(url, DESK);
    const admin = await openStream(url, ADMIN, "?types=execution-report");
    await call(url, "POST", "/orders", ROBO, restingOrder("s-robo", "R1"));
    await call(url, "POST", "/orders", DESK, restingOrder("s-desk", "D1"));
    await desk.until((e) => e.clOrdId === "s-desk" && e.type === "execution-report", "DESK's report");
    await admin.until((e) => e.clOrdId === "s-robo", "ROBO's report on the admin stream");
    await admin.until((e) => e.clOrdId === "s-desk", "DESK's report on the admin stream");
    expect(desk.events.every((e) => e.source === "DESK" || e.type === "kill-switch")).toBe(true);
    expect(admin.events.every((e) => e.type === "execution-report")).toBe(true);
    await expect(openStream(url, "not-a-token")).rejects.toThrow(/401/);
    const bad = await openStream(url, DESK, "?types=everything");
    expect((await bad.closed).code).toBe(1008);
    for (const [token, query, reason] of [
      [DESK, "?types=execution-report&types=order-accepted", "types: give it once, comma-separated"],
      [ADMIN, "?source=DESK&source=ROBO", "source: give one source"],
      [ADMIN, "?source=NOBODY", 'source: no source "NOBODY"'],
      [DESK, "?type=execution-report", "type: unknown parameter (types, source)"],
    ] as const) {
      const refused = await openStream(url, token, query);
      expect(await refused.closed).toEqual({ code: 1008, reason });
    }
    // An account kill reaches the sources that may trade the account, and every type the stream sends can be asked for.
    const kills = await openStream(url, DESK, "?types=kill-switch,amend-pending,session");
    await call(url, "POST", "/kill", ADMIN, { scope: "account", id: "D2" });
    await kills.until((e) => e.type === "kill-switch", "the kill switch on account D2");
    await call(url, "POST", "/revive", ADMIN, { scope: "account", id: "D2" });
    kills.close();
    desk.close();
    admin.close();
  });

  it("names a missing field as missing, and the start of a day order that starts after the close", async () => {
    const { quantity: _, ...noQuantity } = restingOrder("m-1", "D1");
    expect(await call(url, "POST", "/orders", DESK, noQuantity)).toMatchObject({
      status: 400,
      body: { error: "missing-field", field: "quantity", message: "missing" },
    });
    const late = await call(
      url,
      "POST",
      "/orders",
      DESK,
      restingOrder("m-2", "D1", { start_time: "2099-01-01T00:00:00Z" }),
    );
    expect(late).toMatchObject({ status: 400, body: { error: "invalid-time", field: "start_time" } });
    expect(late.body.message).toMatch(/^a day order \(no end_time\) must start before the session's close, /);
    // A refusal made by the request's schema counts with the engine's refusals.
    const counted = async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return Number(/tributary_order_rejects_total\{reason="unknown-field"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const before = await counted();
    const unknown = await call(url, "POST", "/orders", DESK, { ...restingOrder("m-3", "D1"), colour: "red" });
    expect(unknown).toMatchObject({ status: 400, body: { error: "unknown-field", field: "colour" } });
    expect(await counted()).toBe(before + 1);
  });

  it("limits requests refused by authentication by address, as other floods", async () => {
    const guesses = await Promise.all(Array.from({ length: 90 }, () => call(url, "GET", "/venues", "guessed-token")));
    const statuses = new Set(guesses.map((r) => r.status));
    expect(statuses).toEqual(new Set([401, 429]));
    expect(guesses.find((r) => r.status === 429)?.body).toMatchObject({ error: "rate-limited" });
    expect((await call(url, "GET", "/venues", DESK)).status).toBe(200);
    // Probes are never limited: 100 at once from the same address all answer.
    const probes = await Promise.all(Array.from({ length: 100 }, () => call(url, "GET", "/health", null)));
    expect(new Set(probes.map((r) => r.status))).toEqual(new Set([200]));
  });

  it("refuses a flood from one source with 429 while another source is still served", async () => {
    const flood = await Promise.all(
      Array.from({ length: 150 }, (_, i) => call(url, "POST", "/orders", FLOOD, restingOrder(`f-${i}`, "F1"))),
    );
    const limited = flood.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.body).toMatchObject({ error: "rate-limited", field: null });
    expect(flood.filter((r) => r.status === 201).length).toBeLessThanOrEqual(60);
    expect((await call(url, "POST", "/orders", DESK, restingOrder("during-flood", "D1"))).status).toBe(201);
  });

  it("exposes Prometheus metrics for orders, rejects and acknowledgement latency", async () => {
    const response = await fetch(`${url}/metrics`);
    const text = await response.text();
    expect(text).toMatch(/tributary_orders_total\{source="DESK",outcome="accepted"\} \d+/);
    expect(text).toMatch(/tributary_order_rejects_total\{reason="kill-switch"\} 1/);
    expect(text).toMatch(/tributary_order_ack_seconds_bucket\{le="0.1",route="orders"\} \d+/);
    expect(text).toMatch(/tributary_journal_lag_events \d+/);
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
  });
});
