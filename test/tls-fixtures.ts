/** A self-signed certificate for 127.0.0.1 made by openssl at test time, for the TLS tests (HTTPS, FIX over TLS). */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

/** Writes `<name>.crt` and `<name>.key` into `dir`; returns their paths. */
export function selfSignedCert(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"],
      ...["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
    ],
    { stdio: "ignore" },
  );
  return { cert, key };
}
