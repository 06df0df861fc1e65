export { FixVenue, type FixVenueOptions } from "./fix/fix-venue.js";
export { VenueFixServer, type VenueFixServerOptions } from "./fix/venue-fix-server.js";
export type { BookListener, MatchingBook } from "./sim/book/matching-book.js";
export { OrderBook } from "./sim/book/order-book.js";
export { SimDarkPool } from "./sim/sim-dark-pool.js";
export { SimLitVenue } from "./sim/sim-lit-venue.js";
export { createSimVenues, type SimVenues } from "./sim/sim-venues.js";
export type * from "./venue.js";
