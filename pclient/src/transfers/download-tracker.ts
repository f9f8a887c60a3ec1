// What this pclient is downloading, and from whom: each download with its progress and, per holder,
// the pieces and bytes it delivered and whether it failed. The page shows it (GET /api/downloads); it
// also keeps the last few finished downloads so a person (or a test) can see where the bytes came from.

/** Finished downloads kept for the record. */
const MAX_FINISHED = 20

export type SourceState = 'active' | 'done' | 'failed'

export interface SourceView {
  peerId: string
  pieces: number
  bytes: number
  state: SourceState
  /** Why this holder was dropped, when it failed. */
  reason?: string
}

export interface DownloadView {
  id: number
  name: string
  /** The bytes this download delivers (the range's length for a range request). */
  size: number
  bytesSent: number
  startedAt: string
  finishedAt?: string
  state: 'active' | 'done' | 'failed'
  error?: string
  /** The stable code of that error (PCLIENT_DATA_LOSS: a holder's bytes failed verification), so a script can branch on it. */
  errorCode?: string
  sources: SourceView[]
}

export interface TrackedDownload {
  /** A holder delivered `bytes` verified bytes, completing `pieces` pieces (default 1). */
  pieceFrom: (peerId: string, bytes: number, pieces?: number) => void
  /** A holder was dropped from this download, for `err`. */
  sourceFailed: (peerId: string, err: Error) => void
  /** Bytes handed on to the user. */
  sent: (bytes: number) => void
  /** The download ended: completely, or with `error`. Later calls are ignored. */
  finish: (error?: Error | null) => void
}

export interface DownloadTracker {
  start: (file: { name: string, size: number }) => TrackedDownload
  /** Downloads in progress first (newest first), then finished ones (newest first). */
  list: () => DownloadView[]
}

export function createDownloadTracker (now: () => number = Date.now): DownloadTracker {
  let nextId = 1
  const active = new Map<number, DownloadView>()
  const finished: DownloadView[] = []

  return {
    start (file) {
      const view: DownloadView = {
        id: nextId++, name: file.name, size: file.size, bytesSent: 0, startedAt: new Date(now()).toISOString(), state: 'active', sources: []
      }
      active.set(view.id, view)
      const source = (peerId: string): SourceView => {
        let found = view.sources.find((entry) => entry.peerId === peerId)
        if (found == null) view.sources.push(found = { peerId, pieces: 0, bytes: 0, state: 'active' })
        return found
      }
      return {
        pieceFrom (peerId, bytes, pieces = 1) {
          const entry = source(peerId)
          entry.pieces += pieces
          entry.bytes += bytes
        },
        sourceFailed (peerId, err) {
          const entry = source(peerId)
          entry.state = 'failed'
          entry.reason = err.message
        },
        sent (bytes) { view.bytesSent += bytes },
        finish (error) {
          if (!active.delete(view.id)) return
          view.state = error == null ? 'done' : 'failed'
          if (error != null) view.error = error.message
          if (error != null && 'code' in error && typeof error.code === 'string') view.errorCode = error.code
          view.finishedAt = new Date(now()).toISOString()
          for (const entry of view.sources) if (entry.state === 'active') entry.state = 'done'
          finished.unshift(view)
          finished.length = Math.min(finished.length, MAX_FINISHED)
        }
      }
    },
    list () {
      const copy = (view: DownloadView): DownloadView => ({ ...view, sources: view.sources.map((entry) => ({ ...entry })) })
      return [...[...active.values()].reverse(), ...finished].map(copy)
    }
  }
}
