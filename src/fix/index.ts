/**
 * The FIX gateway: codec, framer, dictionaries, session layer, message stores, acceptor and its TCP transport, and the
 * order gateway (the application that turns OMS sessions into engine order sources).
 */
export * from "./acceptor.js";
export * from "./codec.js";
export * from "./dictionary.js";
export * from "./echo-application.js";
export * from "./fix-dictionaries.js";
export * from "./fix-time.js";
export * from "./framer.js";
export * from "./message-store.js";
export * from "./order-gateway.js";
export * from "./order-gateway-config.js";
export * from "./postgres-message-store.js";
export * from "./session.js";
export * from "./sqlite-message-store.js";
export * from "./tags.js";
export * from "./tcp-acceptor.js";
export * from "./tcp-initiator.js";
