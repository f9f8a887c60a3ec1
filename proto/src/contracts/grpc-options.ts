// Every tuning knob of the gRPC data path, in one place, so servers, clients and the benchmark agree.
import type { ChannelOptions } from '@grpc/grpc-js'

/** Bytes per Download/Upload chunk message: large enough to amortise framing, small enough for flat memory. */
export const CHUNK_BYTES = 256 * 1024

/**
 * Files are verified in pieces: a downloader checks each piece against the holder's piece hashes before
 * handing it on, so every download holds a piece or two in memory. New content is cut into pieces of
 * this size (pieceBytesFor() in piece-size.ts doubles it for files of more than 64 GiB); content hashed
 * before 2026-12-07 was cut into MAX_PIECE_BYTES pieces, and keeps them.
 */
export const PIECE_BYTES = 1024 * 1024

/**
 * The largest piece a downloader accepts, so the largest it holds. With 32-byte hashes, a FileInfo
 * message (MAX_MESSAGE_BYTES) of pieces this size covers files up to about 480 GiB.
 */
export const MAX_PIECE_BYTES = 4 * 1024 * 1024

/** Largest gRPC message either side accepts: one chunk plus framing headroom. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024

/** HTTP/2 flow-control window; the 64 KiB default caps a stream at a fraction of loopback speed. */
const FLOW_CONTROL_WINDOW_BYTES = 8 * 1024 * 1024

export const grpcChannelOptions: ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW_BYTES,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000
}

export const grpcServerOptions: ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW_BYTES,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': 10_000
}

/** Deadline of the unary Stat call. Streaming calls use an idle deadline of their own. */
export const STAT_DEADLINE_MS = 5_000
