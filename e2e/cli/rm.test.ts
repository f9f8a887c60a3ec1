// `p2p rm` against a real network: the delete token `p2p put` kept (in a 0600 file under
// XDG_STATE_HOME) deletes the file; a wrong token is forbidden (8); a deleted name is not found (3).
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeRandomFile } from '../helpers.js'
import { startCliNetwork } from './cli-network.js'
import type { CliNetwork } from './cli-network.js'
import { jsonLines, runP2p } from './p2p-command.js'

let cli: CliNetwork

beforeAll(async () => { cli = await startCliNetwork(null) })
afterAll(async () => { await cli?.teardown() })

describe('p2p rm', () => {
  it('refuses to delete without a token, before asking the network (8), and says how to give one', async () => {
    const source = await makeRandomFile(cli.scratch, 'kept.bin', 5000)
    expect((await cli.p2p('put', source.path)).code).toBe(0)
    // Another user (or machine): put's token is not in their state folder.
    const result = await runP2p(['rm', 'kept.bin'], { ...cli.env, XDG_STATE_HOME: path.join(cli.scratch, 'someone-else') }, cli.workDir)
    expect(result.code).toBe(8)
    expect(result.stderr).toMatch(/^p2p: no delete token for 'kept\.bin'.*--token/)
    expect(jsonLines((await cli.p2p('--json', 'ls', 'kept.bin')).stdout)).toHaveLength(1)
  })

  it('says a name the network does not have is not found (3)', async () => {
    const result = await cli.p2p('rm', '--token', 'anything', 'never-uploaded.bin')
    expect(result.code).toBe(3)
  })

  it('deletes a file with the token put kept, and the name is then gone (3 on a second rm)', async () => {
    const source = await makeRandomFile(cli.scratch, 'doomed.bin', 5000)
    const put = await cli.p2p('--json', 'put', source.path)
    expect(put.code, put.stderr).toBe(0)
    const [answer] = jsonLines(put.stdout) as Array<{ deleteToken?: string }>
    expect(answer?.deleteToken).toEqual(expect.any(String))
    const tokenFile = path.join(cli.env.XDG_STATE_HOME!, 'p2p', 'delete-tokens.json')
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600)

    const removed = await cli.p2p('--json', 'rm', 'doomed.bin')
    expect(removed.code, removed.stderr).toBe(0)
    expect(jsonLines(removed.stdout)).toMatchObject([{ name: 'doomed.bin', sha256: source.sha256, deletedAt: expect.any(String) }])
    expect(jsonLines((await cli.p2p('--json', 'ls', 'doomed.bin')).stdout)).toEqual([])
    expect((await cli.p2p('get', 'doomed.bin')).code).toBe(3)
    expect((await cli.p2p('rm', '--token', answer!.deleteToken!, 'doomed.bin')).code).toBe(3)
  })

  it('refuses a wrong token with the forbidden code (8) and keeps the file', async () => {
    const source = await makeRandomFile(cli.scratch, 'guarded.bin', 5000)
    expect((await cli.p2p('put', source.path)).code).toBe(0)
    const result = await cli.p2p('rm', '--token', 'not-the-token', 'guarded.bin')
    expect(result.code).toBe(8)
    expect(result.stderr).toMatch(/^p2p: /)
    expect(jsonLines((await cli.p2p('--json', 'ls', 'guarded.bin')).stdout)).toHaveLength(1)
  })

  it('takes the token from P2P_DELETE_TOKEN', async () => {
    const source = await makeRandomFile(cli.scratch, 'by-env.bin', 5000)
    const put = await cli.p2p('--json', 'put', source.path)
    const [answer] = jsonLines(put.stdout) as Array<{ deleteToken: string }>
    const env = { ...cli.env, XDG_STATE_HOME: path.join(cli.scratch, 'empty-state'), P2P_DELETE_TOKEN: answer!.deleteToken }
    expect((await runP2p(['rm', 'by-env.bin'], env, cli.workDir)).code).toBe(0)
  })
})
