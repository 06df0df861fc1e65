export { ReplayLitVenue, type ReplayLitVenueOptions } from "./replay-lit-venue.js";
