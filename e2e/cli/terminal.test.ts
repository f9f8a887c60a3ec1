// `p2p get` in a real terminal (a tmux pane): it draws a progress bar whose percentage and speed
// change while the download runs. The holder's sends are capped (4 MiB a second), so a 24 MiB file
// takes seconds and the bar is seen mid-way on any machine; the polling is bounded, not timed.
import { execFile, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeRandomFile, sha256OfFile } from '../helpers.js'
import { startCliNetwork, MiB } from './cli-network.js'
import type { CliNetwork } from './cli-network.js'
import { p2pArgv } from './p2p-command.js'

const run = promisify(execFile)
// CI installs tmux (.ci/run); elsewhere the test is skipped when it is missing.
const tmuxMissing = spawnSync('tmux', ['-V']).error != null && process.env.CI == null
const socket = `p2p-e2e-${randomBytes(4).toString('hex')}`
const tmux = async (...args: string[]): Promise<string> => (await run('tmux', ['-L', socket, ...args])).stdout
const quote = (arg: string): string => `'${arg.replace(/'/g, "'\\''")}'`

let cli: CliNetwork

beforeAll(async () => { if (!tmuxMissing) cli = await startCliNetwork('4MiB') })
afterAll(async () => {
  await tmux('kill-server').catch(() => {})
  await cli?.teardown()
})

/** The bar's percentage and speed, from a line like `big.bin [=====---] 42% | 10.1 MiB/24.0 MiB | 4.0 MiB/s | ETA 3s`. */
const BAR = /\[[^\]]*\]\s+(\d+)% \| [^|]+ \| ([\d.]+ [KMG]?i?B\/s) \| ETA/

describe('p2p get on a terminal', () => {
  it.skipIf(tmuxMissing)('shows a progress bar whose percentage and speed change as the bytes arrive', async () => {
    const source = await makeRandomFile(cli.scratch, 'big.bin', 24 * MiB)
    expect((await cli.p2p('put', source.path)).code).toBe(0)
    const command = [...p2pArgv(), 'get', 'big.bin'].map(quote).join(' ')
    await tmux('new-session', '-d', '-s', 'p2p', '-x', '150', '-y', '20', '-c', cli.workDir,
      '-e', `P2P_PEER=${cli.env.P2P_PEER}`, '-e', `XDG_STATE_HOME=${cli.env.XDG_STATE_HOME}`,
      `${command}; echo "p2p exited $?"; sleep 60`)
    const percents = new Set<number>()
    const speeds = new Set<string>()
    let screen = ''
    // At most 600 looks, 50 ms apart: far longer than the 6 s the capped download takes.
    for (let look = 0; look < 600 && !screen.includes('p2p exited'); look++) {
      screen = await tmux('capture-pane', '-p', '-t', 'p2p')
      const bar = BAR.exec(screen)
      if (bar != null) {
        percents.add(Number(bar[1]))
        speeds.add(bar[2]!)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(screen).toContain('p2p exited 0')
    const midway = [...percents].filter((percent) => percent > 0 && percent < 100)
    expect(midway.length, [...percents].join(' ')).toBeGreaterThanOrEqual(2)
    expect(speeds.size, [...speeds].join(' ')).toBeGreaterThanOrEqual(2)
    expect(screen).toContain('saved big.bin')
    expect(await sha256OfFile(path.join(cli.workDir, 'big.bin'))).toBe(source.sha256)
  })
})
