/** Runs the `MatchingBook` contract suite against the naive `ReferenceBook`. */
import { matchingBookContract } from "./matching-book.contract.js";
import { ReferenceBook } from "./reference-book.js";

matchingBookContract("ReferenceBook", (listener, stp) => new ReferenceBook(listener, stp));
