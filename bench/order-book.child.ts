/**
 * The child process of the order-book bench: measures one book (argv: "tributary" | "nodejs", then the bench options
 * as JSON) and prints the measurement as JSON on stdout. Started by `runOrderBookBench`; not meant to be run by hand.
 */
import { type BookName, measureBook, type OrderBookBenchOptions } from "./order-book.bench.js";

const [name, json] = process.argv.slice(2);
if ((name !== "tributary" && name !== "nodejs") || json === undefined) {
  process.stderr.write("usage: order-book.child.js tributary|nodejs OPTIONS_JSON\n");
  process.exit(2);
}
const options = JSON.parse(json) as OrderBookBenchOptions;
process.stdout.write(JSON.stringify(measureBook(name as BookName, options)));
