// Why a download stopped short. The peer's web client cuts the connection when no holder can deliver
// a piece intact (it never sends bytes that failed verification), which on the wire looks like any
// lost connection; its downloads record (GET /api/downloads) says which it was, by error code.
import { z } from 'zod'
import { CliError, ExitCode } from './exit-codes.js'
import type { PeerApi } from './peer-api.js'

const downloadsSchema = z.object({
  downloads: z.array(z.object({ name: z.string(), state: z.string(), startedAt: z.string(), errorCode: z.string().optional(), error: z.string().optional() }))
})

/** How often, 100 ms apart, to look for the failed download in the record before calling it a lost connection. */
const LOOKS = 10

export async function classifyCutOff (api: PeerApi, cut: { name: string, startedAt: number, kept: string, cause: unknown }): Promise<CliError> {
  const lost = new CliError(ExitCode.Unreachable, `the download of '${cut.name}' was cut off (${describe(cut.cause)}); ${cut.kept}: run \`p2p get -c ${cut.name}\` to resume`, { cause: cut.cause })
  for (let look = 0; look < LOOKS; look++) {
    const record = await api.json('api/downloads', downloadsSchema).catch(() => null)
    if (record == null) return lost
    // Its start was logged after this request left (a second of slack for clocks that disagree).
    const failed = record.downloads.find((download) =>
      download.name === cut.name && download.state === 'failed' && Date.parse(download.startedAt) >= cut.startedAt - 1000)
    if (failed?.errorCode === 'PCLIENT_DATA_LOSS') {
      return new CliError(ExitCode.Integrity, `the download of '${cut.name}' failed verification: ${failed.error ?? 'a holder sent corrupted bytes'}; ${cut.kept} (only verified bytes)`, { code: failed.errorCode })
    }
    if (failed != null) return lost
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return lost
}

function describe (err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const cause = err.cause instanceof Error ? err.cause : undefined
  return cause != null && 'code' in cause && typeof cause.code === 'string' ? cause.code : err.message
}
