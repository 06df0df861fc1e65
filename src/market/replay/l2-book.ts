/**
 * An aggregated (L2) book rebuilt from a recorded feed: quantity per price level on each side, as the feed states it
 * (absolute quantities; 0 removes a level). Used by the Binance and Tardis replays. Prices in price units, quantities
 * in lots (see the feed's scales).
 */
import { PriceLadder } from "./price-ladder.js";

export class L2Book {
  readonly bids = new PriceLadder("buy", 1024);
  readonly asks = new PriceLadder("sell", 1024);

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  /** Whether the best bid is at or above the best ask (a rebuilt book should never be). */
  isCrossed(): boolean {
    return this.bids.depth > 0 && this.asks.depth > 0 && this.bids.priceAt(0) >= this.asks.priceAt(0);
  }
}
