/**
 * Adapter: replays a gzip Binance websocket capture from disk (streamed through node:zlib, never inflated whole into
 * memory) with `replayBinanceCapture`.
 */
import { type BinanceReplayOptions, type BinanceReport, replayBinanceCapture } from "./binance-replay.js";
import { gzipChunks } from "./replay-files.js";

export function replayBinanceFile(path: string, options: Omit<BinanceReplayOptions, "file">): Promise<BinanceReport> {
  return replayBinanceCapture(gzipChunks(path), { ...options, file: path });
}
