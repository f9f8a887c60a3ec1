// How fast a transfer is going now: the bytes of the last few seconds over their span, so a stall
// shows as a falling speed within seconds instead of being averaged away over the whole transfer.

const WINDOW_MS = 3000

export interface TransferSpeed {
  add: (bytes: number) => void
  bytesPerSecond: () => number
}

export function transferSpeed (now: () => number): TransferSpeed {
  const samples: Array<{ at: number, bytes: number }> = []
  const started = now()
  const trim = (at: number): void => {
    while (samples.length > 0 && samples[0]!.at < at - WINDOW_MS) samples.shift()
  }
  return {
    add (bytes) {
      const at = now()
      samples.push({ at, bytes })
      trim(at)
    },
    bytesPerSecond () {
      const at = now()
      trim(at)
      const bytes = samples.reduce((sum, sample) => sum + sample.bytes, 0)
      const span = Math.min(WINDOW_MS, Math.max(at - started, 1))
      return bytes * 1000 / span
    }
  }
}
