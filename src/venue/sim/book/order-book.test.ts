/** Runs the `MatchingBook` contract suite against the fast `OrderBook`. */
import { matchingBookContract } from "./matching-book.contract.js";
import { OrderBook } from "./order-book.js";

matchingBookContract("OrderBook", (listener, stp) => new OrderBook(listener, stp));
