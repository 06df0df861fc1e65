/**
 * The service's structured log: pino, JSON lines on stdout. Secrets never reach it: Authorization headers, tokens and
 * passwords are redacted wherever they appear in a logged object (request headers included), and request bodies are
 * not logged. Every line logged while handling a request carries its correlation id (`reqId`: the request id Fastify
 * gives each request, or the caller's `x-request-id` when it sends a short printable one; pino escapes it like any value).
 */
import { type Logger, pino } from "pino";

export const REDACTED_PATHS = [
  "req.headers.authorization",
  "headers.authorization",
  "authorization",
  "token",
  "*.token",
  "password",
  "*.password",
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: "tributary" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
