// Every exit code `p2p --help` documents, each from a real case against a real network (6, integrity,
// and 130, Ctrl-C, come from transfers.test.ts), with its one-sentence error on stderr.
import { truncate, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '@p2p/test-support'
import { makeRandomFile } from '../helpers.js'
import { startCliNetwork, MiB } from './cli-network.js'
import type { CliNetwork } from './cli-network.js'
import { runP2p } from './p2p-command.js'
import type { P2pResult } from './p2p-command.js'

let cli: CliNetwork

beforeAll(async () => {
  cli = await startCliNetwork(null)
  const taken = await makeRandomFile(cli.scratch, 'taken.bin', 64 * 1024)
  expect((await cli.p2p('put', taken.path)).code).toBe(0)
})
afterAll(async () => { await cli?.teardown() })

/** One line on stderr, starting `p2p:` (commander's usage errors have their own form). */
function expectOneSentence (result: P2pResult): void {
  const lines = result.stderr.split('\n').filter((line) => line !== '')
  expect(lines, result.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^p2p: \S/)
  expect(result.stdout).toBe('')
}

describe('exit codes', () => {
  it('0: success, and --help lists every code', async () => {
    const help = await cli.p2p('--help')
    expect(help.code).toBe(0)
    for (const code of [0, 1, 2, 3, 4, 5, 6, 7, 8, 130]) expect(help.stdout).toMatch(new RegExp(`^ {2}${code} +\\S`, 'm'))
    const getHelp = await cli.p2p('get', '--help')
    expect(getHelp.code).toBe(0)
    expect(getHelp.stdout).toContain('--continue')
    expect(getHelp.stdout).toContain('Exit codes:')
  })

  it('1: a file in the way of a download, without --force', async () => {
    await writeFile(path.join(cli.workDir, 'taken.bin'), 'mine')
    const result = await cli.p2p('get', 'taken.bin')
    expect(result.code).toBe(1)
    expectOneSentence(result)
    expect(result.stderr).toContain('--force')
    expect((await cli.p2p('get', '--force', 'taken.bin')).code).toBe(0)
  })

  it('2: usage errors', async () => {
    expect((await cli.p2p('frobnicate')).code).toBe(2)
    expect((await cli.p2p('get')).code).toBe(2)
    expect((await cli.p2p('ls', '--sort', 'colour')).code).toBe(2)
    expect((await cli.p2p('put', '--limit-rate', 'fast', 'x')).code).toBe(2)
    const peer = await cli.p2p('--peer', 'ftp://example', 'ls')
    expect(peer.code).toBe(2)
    expectOneSentence(peer)
  })

  it('3: not found, on the network or on disk', async () => {
    const remote = await cli.p2p('get', 'no-such-file.bin')
    expect(remote.code).toBe(3)
    expectOneSentence(remote)
    const local = await cli.p2p('put', path.join(cli.scratch, 'no-such-local.bin'))
    expect(local.code).toBe(3)
    expectOneSentence(local)
  })

  it('4: no room, refused before any byte is sent', async () => {
    // A sparse file: bigger than any peer's room, and nothing on disk.
    const huge = path.join(cli.scratch, 'huge.bin')
    await writeFile(huge, '')
    await truncate(huge, 1024 * MiB)
    const result = await cli.p2p('put', huge)
    expect(result.code).toBe(4)
    expectOneSentence(result)
    expect(result.stderr).toMatch(/room/)
  })

  it('5: refused by the network: a name taken, a name its rules forbid', async () => {
    const again = await makeRandomFile(cli.scratch, 'other.bin', 1000)
    const taken = await cli.p2p('put', again.path, '--as', 'taken.bin')
    expect(taken.code).toBe(5)
    expectOneSentence(taken)
    const badName = await cli.p2p('put', again.path, '--as', 'a\u0007b')
    expect(badName.code).toBe(5)
    expectOneSentence(badName)
  })

  it('7: the peer is unreachable', async () => {
    const port = await freePort()
    const result = await runP2p(['ls'], { ...cli.env, P2P_PEER: `http://127.0.0.1:${port}` }, cli.workDir)
    expect(result.code).toBe(7)
    expectOneSentence(result)
    expect(result.stderr).toContain(`127.0.0.1:${port}`)
  })

  it('8: deleting without a delete token', async () => {
    // Someone other than the uploader: put's token is not in their state folder.
    const result = await runP2p(['rm', 'taken.bin'], { ...cli.env, XDG_STATE_HOME: path.join(cli.scratch, 'not-the-uploader') }, cli.workDir)
    expect(result.code).toBe(8)
    expectOneSentence(result)
    expect(result.stderr).toContain('--token')
  })
})
