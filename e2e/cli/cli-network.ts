// A real local network for the `p2p` command's tests, and a scratch folder the command runs in (its
// HOME and XDG_STATE_HOME, so the delete tokens and partial downloads it keeps stay inside the test).
// Peer 1 has the most room, so every upload lands there; its sends are capped, so a download of a
// few MiB lasts long enough for a test to interrupt it or watch it, whatever the machine's speed.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { startTestNetwork } from '../helpers.js'
import type { TestNetwork } from '../helpers.js'
import { runP2p } from './p2p-command.js'
import type { P2pResult } from './p2p-command.js'

export const MiB = 1024 * 1024

export interface CliNetwork {
  network: TestNetwork
  scratch: string
  /** Where `p2p` runs (its current folder). */
  workDir: string
  env: Record<string, string>
  p2p: (...args: string[]) => Promise<P2pResult>
  holder: () => TestNetwork['peers'][number]
  teardown: () => Promise<void>
}

export async function startCliNetwork (sendRate: string | null = '4MiB'): Promise<CliNetwork> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'p2p-e2e-cli-'))
  const workDir = path.join(scratch, 'work')
  await mkdir(workDir)
  const network = await startTestNetwork({
    peers: 2,
    heartbeatIntervalMs: 300,
    seedDir: null,
    replicationFactor: 1,
    capacity: (index) => index === 1 ? '512MiB' : '128MiB',
    sendRate: (index) => index === 1 ? sendRate : null
  })
  const env = { P2P_PEER: network.peers[1]!.url, XDG_STATE_HOME: path.join(scratch, 'state') }
  return {
    network,
    scratch,
    workDir,
    env,
    p2p: async (...args) => await runP2p(args, env, workDir),
    holder: () => network.peers[0]!,
    teardown: async () => {
      await network.teardown()
      await rm(scratch, { recursive: true, force: true })
    }
  }
}
