// Where the bytes of an ordered copy come from: another peer's Download call (with the order's
// ticket, a deadline for the whole copy, and an idle clock that runs only while waiting for the
// source), or this peer's own disk when the content is already stored under another name.
import type { Readable } from 'node:stream'
import type { ClientReadableStream } from '@grpc/grpc-js'
import { markSoleView } from '@p2p/proto'
import type { FileChunk__Output, PeerFilesClient, ReplicaSource, ReplicationOrder } from '@p2p/proto'
import type { FileStore, StoredFile } from '../store/file-store.js'

/**
 * The whole copy's deadline: this much, plus the time the file takes at COPY_MIN_BYTES_PER_SECOND.
 * Generous on purpose (copies may be paced, or share a capped source): the idle timeout is what
 * catches a stalled source; the deadline only bounds a source that trickles forever.
 */
const COPY_DEADLINE_BASE_MS = 60_000
const COPY_MIN_BYTES_PER_SECOND = 64 * 1024

/**
 * `purpose` tells the source these are replication bytes, not a user's download (its metrics);
 * `requestId` is the copy's, sent in the metadata of its calls so the source logs them with it.
 */
export type ConnectSource = (address: string, options: { ticket: string, purpose: 'replication', requestId?: string }) => PeerFilesClient

export interface CopySource {
  chunks: AsyncIterable<Buffer>
  /** Stops the read under way (a shutdown cancels the copy). */
  stop: () => void
  /** Lets go of the source, however the copy ended. */
  close: () => void
}

/** A Download call to `source`; a source that sends nothing for `idleTimeoutMs` is cancelled. */
export function peerSource (order: ReplicationOrder, source: ReplicaSource, connect: ConnectSource, idleTimeoutMs: number, requestId?: string): CopySource {
  const client = connect(source.grpcAddress, { ticket: order.ticket, purpose: 'replication', ...(requestId == null ? {} : { requestId }) })
  const deadline = Date.now() + COPY_DEADLINE_BASE_MS + (order.size / COPY_MIN_BYTES_PER_SECOND) * 1000
  const call: ClientReadableStream<FileChunk__Output> = client.Download({ name: order.name, sha256: order.sha256, offset: 0, length: 0 }, { deadline })
  // Failures reach the copy through the iterator below; this keeps one that comes before the
  // iteration starts (or after it stopped) from being an unhandled 'error' event.
  call.on('error', () => {})
  let timer: NodeJS.Timeout | undefined
  // The idle clock runs only while waiting for the source, not while this peer paces or writes.
  async function * chunks (): AsyncGenerator<Buffer> {
    const messages = (call as AsyncIterable<FileChunk__Output>)[Symbol.asyncIterator]()
    while (true) {
      timer = setTimeout(() => { call.cancel() }, idleTimeoutMs)
      const { value, done } = await messages.next()
      clearTimeout(timer)
      if (done === true) return
      // A message's buffer of its own, as for an upload: freed once written (spent-buffers.ts).
      markSoleView(value.data)
      yield value.data
    }
  }
  return {
    chunks: chunks(),
    stop: () => { call.cancel() },
    close: () => {
      clearTimeout(timer)
      call.cancel()
      client.close()
    }
  }
}

/** The bytes of `stored`, content already on this peer's disk under another name. */
export async function localSource (store: Pick<FileStore, 'openRead'>, order: ReplicationOrder, stored: StoredFile): Promise<CopySource> {
  const stream: Readable | null = order.size > 0 ? await store.openRead(stored.sha256, 0, order.size) : null
  return {
    chunks: stream ?? emptySource(),
    stop: () => { stream?.destroy() },
    close: () => { stream?.destroy() }
  }
}

async function * emptySource (): AsyncGenerator<Buffer> {}
