/**
 * The venue circuit breaker on scripted failure and success sequences: tripping on rejects within the window (and
 * not when they are spread beyond it), a disconnect tripping at once and holding until the reconnect, backoff expiry to half-open, a probe that
 * succeeds closing the breaker, a probe that fails doubling the backoff up to the max, and answers to pre-trip
 * children arriving while tripped.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvariantError } from "../core/errors.js";
import { type VenueFailure, VenueHealth } from "./venue-health.js";

const SECOND = 1_000_000;

describe("tripping", () => {
  it("an unknown venue is healthy and available", () => {
    const health = new VenueHealth();
    expect(health.isAvailable("XNAS", 0)).toBe(true);
    expect(health.state("XNAS", 0)).toEqual({ status: "healthy", failures: 0, retryAt: null, backoffMicros: SECOND });
  });

  it("trips on the third reject within 60 s, with a 1 s backoff", () => {
    const health = new VenueHealth();
    health.onFailure("XNAS", "reject", 0);
    health.onFailure("XNAS", "timeout", 20 * SECOND);
    expect(health.isAvailable("XNAS", 20 * SECOND)).toBe(true);
    expect(health.state("XNAS", 20 * SECOND).failures).toBe(2);
    health.onFailure("XNAS", "reject", 59 * SECOND);
    expect(health.isAvailable("XNAS", 59 * SECOND)).toBe(false);
    expect(health.state("XNAS", 59 * SECOND)).toEqual({
      status: "tripped",
      failures: 3,
      retryAt: 60 * SECOND,
      backoffMicros: SECOND,
    });
    expect(health.isAvailable("XARC", 59 * SECOND)).toBe(true);
  });

  it("does not trip when the rejects are spread beyond the window", () => {
    const health = new VenueHealth();
    health.onFailure("XNAS", "reject", 0);
    health.onFailure("XNAS", "reject", 30 * SECOND);
    health.onFailure("XNAS", "reject", 60 * SECOND); // the first is exactly one window old: out
    expect(health.state("XNAS", 60 * SECOND)).toMatchObject({ status: "healthy", failures: 2 });
    health.onFailure("XNAS", "reject", 91 * SECOND); // 30 s is out too
    expect(health.state("XNAS", 91 * SECOND)).toMatchObject({ status: "healthy", failures: 2 });
    health.onFailure("XNAS", "reject", 100 * SECOND); // 60, 91, 100: three within 60 s
    expect(health.state("XNAS", 100 * SECOND)).toMatchObject({ status: "tripped", failures: 3 });
  });

  it("failures age out of the count reported", () => {
    const health = new VenueHealth();
    health.onFailure("XNAS", "reject", 0);
    health.onFailure("XNAS", "reject", 10 * SECOND);
    expect(health.state("XNAS", 65 * SECOND).failures).toBe(1);
    expect(health.state("XNAS", 75 * SECOND).failures).toBe(0);
  });

  it("a disconnect trips at once, and nothing goes there until the reconnect, whatever the backoff", () => {
    const health = new VenueHealth();
    health.onFailure("XNAS", "disconnect", 5 * SECOND);
    expect(health.isAvailable("XNAS", 5 * SECOND)).toBe(false);
    expect(health.state("XNAS", 5 * SECOND)).toMatchObject({ status: "disconnected", retryAt: 6 * SECOND });
    expect(health.isAvailable("XNAS", 60 * SECOND)).toBe(false);
    expect(health.isConnected("XNAS")).toBe(false);
    health.onReconnect("XNAS");
    expect(health.isConnected("XNAS")).toBe(true);
    expect(health.state("XNAS", 60 * SECOND).status).toBe("half-open");
    expect(health.isAvailable("XNAS", 60 * SECOND)).toBe(true);
  });

  it("a reconnect before the backoff has passed waits for it: the probe goes no sooner", () => {
    const health = new VenueHealth();
    health.onFailure("XNAS", "disconnect", 0);
    health.onReconnect("XNAS");
    expect(health.state("XNAS", SECOND / 2).status).toBe("tripped");
    expect(health.isAvailable("XNAS", SECOND / 2)).toBe(false);
    expect(health.isAvailable("XNAS", SECOND)).toBe(true);
    health.onSuccess("XNAS", SECOND);
    expect(health.state("XNAS", SECOND).status).toBe("healthy");
  });

  it("a venue that drops again while half-open waits twice as long", () => {
    const health = new VenueHealth();
    health.onFailure("XNAS", "disconnect", 0);
    health.onReconnect("XNAS");
    health.onFailure("XNAS", "disconnect", 2 * SECOND);
    health.onReconnect("XNAS");
    expect(health.state("XNAS", 2 * SECOND)).toMatchObject({ status: "tripped", retryAt: 4 * SECOND });
  });

  it("follows its options", () => {
    const health = new VenueHealth({ failuresToTrip: 1, windowMicros: SECOND, baseBackoffMicros: 250_000 });
    health.onFailure("XNAS", "timeout", 0);
    expect(health.state("XNAS", 0)).toMatchObject({ status: "tripped", retryAt: 250_000 });
  });

  it("refuses options that make no sense", () => {
    expect(() => new VenueHealth({ failuresToTrip: 0 })).toThrow(InvariantError);
    expect(() => new VenueHealth({ windowMicros: 1.5 })).toThrow(/windowMicros/);
    expect(() => new VenueHealth({ baseBackoffMicros: 10, maxBackoffMicros: 5 })).toThrow(/maxBackoffMicros/);
  });
});

describe("backoff and recovery", () => {
  function tripped(): VenueHealth {
    const health = new VenueHealth();
    health.onFailure("XNAS", "disconnect", 0);
    health.onReconnect("XNAS");
    return health;
  }

  it("half-open once the backoff expires; a success closes and resets", () => {
    const health = tripped();
    expect(health.isAvailable("XNAS", SECOND - 1)).toBe(false);
    expect(health.isAvailable("XNAS", SECOND)).toBe(true);
    expect(health.state("XNAS", SECOND).status).toBe("half-open");
    health.onSuccess("XNAS", SECOND + 10);
    expect(health.state("XNAS", SECOND + 10)).toEqual({
      status: "healthy",
      failures: 0,
      retryAt: null,
      backoffMicros: SECOND,
    });
    // The history is gone: it takes three fresh rejects to trip again.
    health.onFailure("XNAS", "reject", 2 * SECOND);
    health.onFailure("XNAS", "reject", 2 * SECOND);
    expect(health.isAvailable("XNAS", 2 * SECOND)).toBe(true);
  });

  it("a failed probe doubles the backoff, up to the max; a success then restarts at the base", () => {
    const health = new VenueHealth({ baseBackoffMicros: SECOND, maxBackoffMicros: 5 * SECOND });
    health.onFailure("XNAS", "timeout", 0);
    health.onFailure("XNAS", "timeout", 0);
    health.onFailure("XNAS", "timeout", 0);
    let now = 0;
    const backoffs: number[] = [];
    for (let probe = 0; probe < 5; probe++) {
      now = health.state("XNAS", now).retryAt as number;
      expect(health.state("XNAS", now).status).toBe("half-open");
      health.onFailure("XNAS", "reject", now); // one reject is enough in half-open
      const state = health.state("XNAS", now);
      expect(state.status).toBe("tripped");
      expect(state.retryAt).toBe(now + state.backoffMicros);
      backoffs.push(state.backoffMicros);
    }
    expect(backoffs).toEqual([2, 4, 5, 5, 5].map((s) => s * SECOND));
    now += 5 * SECOND;
    health.onSuccess("XNAS", now);
    health.onFailure("XNAS", "disconnect", now);
    expect(health.state("XNAS", now)).toMatchObject({ status: "disconnected", backoffMicros: SECOND });
  });

  it("answers to pre-trip children while tripped move neither the state nor the timer", () => {
    const health = tripped();
    health.onSuccess("XNAS", 500_000); // a late ack: not a probe
    health.onFailure("XNAS", "reject", 600_000); // a late reject: not a failed probe
    expect(health.state("XNAS", 600_000)).toEqual({
      status: "tripped",
      failures: 2,
      retryAt: SECOND,
      backoffMicros: SECOND,
    });
  });

  it("a success on a healthy venue leaves its recent failures counted", () => {
    const health = new VenueHealth();
    health.onFailure("XNAS", "reject", 0);
    health.onFailure("XNAS", "reject", SECOND);
    health.onSuccess("XNAS", 2 * SECOND);
    health.onFailure("XNAS", "reject", 3 * SECOND);
    expect(health.state("XNAS", 3 * SECOND).status).toBe("tripped");
  });
});

describe("properties", () => {
  it("available exactly when healthy or half-open; the backoff stays within [base, max]", () => {
    const event = fc.record({
      venue: fc.constantFrom("A", "B"),
      kind: fc.constantFrom<VenueFailure | "success" | "reconnect">(
        "reject",
        "timeout",
        "disconnect",
        "success",
        "reconnect",
      ),
      dt: fc.integer({ min: 0, max: 5 * SECOND }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 200 }), (events) => {
        const health = new VenueHealth({ baseBackoffMicros: SECOND, maxBackoffMicros: 8 * SECOND });
        let now = 0;
        for (const { venue, kind, dt } of events) {
          now += dt;
          if (kind === "success") health.onSuccess(venue, now);
          else if (kind === "reconnect") health.onReconnect(venue);
          else health.onFailure(venue, kind, now);
          for (const v of ["A", "B"]) {
            const state = health.state(v, now);
            expect(health.isAvailable(v, now)).toBe(state.status === "healthy" || state.status === "half-open");
            expect(state.backoffMicros).toBeGreaterThanOrEqual(SECOND);
            expect(state.backoffMicros).toBeLessThanOrEqual(8 * SECOND);
            if (state.retryAt !== null) expect(state.retryAt).toBeLessThanOrEqual(now + state.backoffMicros);
          }
        }
      }),
    );
  });
});
