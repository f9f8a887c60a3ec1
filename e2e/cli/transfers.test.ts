// The `p2p` command against a real network, as a subprocess: put, ls --json and get give back the same
// bytes; Ctrl-C during a download keeps its .part and `get -c` finishes it without the peer sending
// the first part again; Ctrl-C during an upload leaves nothing on the network; a corrupted copy fails
// with the integrity code and no file under the final name.
import { open, readdir, readFile, stat, truncate, copyFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FileView } from '@p2p/proto'
import { PIECE_BYTES } from '@p2p/proto'
import { eventually, makeRandomFile, sha256OfFile, storedPathOf, tmpDirOf } from '../helpers.js'
import { parseExposition, valueOf } from '../metrics/exposition.js'
import type { Exposition } from '../metrics/exposition.js'
import { startCliNetwork, MiB } from './cli-network.js'
import type { CliNetwork } from './cli-network.js'
import { CONTROL_CHARACTERS, jsonLines, startP2p } from './p2p-command.js'

let cli: CliNetwork

beforeAll(async () => { cli = await startCliNetwork() })
afterAll(async () => { await cli?.teardown() })

async function holderMetrics (): Promise<Exposition> {
  return parseExposition(await (await fetch(`${cli.holder().pserver.metricsUrl ?? ''}/metrics`)).text())
}

/** The bytes the holder has sent to downloads, once none is running (an interrupted one stops a moment later). */
async function sentByHolder (): Promise<number> {
  const idle = await eventually('the holder to finish its downloads', async () => {
    const metrics = await holderMetrics()
    return metrics.samples.some((sample) => sample.name === 'p2p_transfers_in_progress' && sample.value > 0) ? undefined : metrics
  })
  return valueOf(idle, 'p2p_transfer_bytes_total', { kind: 'download', direction: 'sent' })
}

const sizeOf = async (file: string): Promise<number | null> => await stat(file).then((info) => info.size, () => null)

describe('p2p put, ls and get', () => {
  it('gives back byte-identical files, with plain lines off a terminal and JSON that parses', async () => {
    const source = await makeRandomFile(cli.scratch, 'notes.bin', 3 * MiB + 17)
    const put = await cli.p2p('put', source.path, '--as', 'héllo wörld.bin')
    expect(put, put.stderr).toMatchObject({ code: 0 })
    expect(put.stdout).toContain(`sha256 ${source.sha256}`)

    const ls = await cli.p2p('--json', 'ls', 'wörld')
    expect(ls.code, ls.stderr).toBe(0)
    const listed = jsonLines(ls.stdout) as FileView[]
    expect(listed.map((file) => [file.name, file.sha256, file.size])).toEqual([['héllo wörld.bin', source.sha256, 3 * MiB + 17]])

    const get = await cli.p2p('--json', 'get', 'héllo wörld.bin')
    expect(get.code, get.stderr).toBe(0)
    expect(jsonLines(get.stdout)).toMatchObject([{ name: 'héllo wörld.bin', sha256: source.sha256, size: 3 * MiB + 17 }])
    expect(await sha256OfFile(path.join(cli.workDir, 'héllo wörld.bin'))).toBe(source.sha256)

    const outputs = [put, await cli.p2p('ls', '--long'), await cli.p2p('peers'), await cli.p2p('status'),
      await cli.p2p('get', '-o', path.join(cli.scratch, 'again.bin'), 'héllo wörld.bin')]
    for (const result of outputs) {
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout).not.toMatch(CONTROL_CHARACTERS)
      expect(result.stderr).not.toMatch(CONTROL_CHARACTERS)
    }
    expect(outputs[1]!.stdout).toMatch(/NAME\s+SIZE\s+COPIES\s+ADDED\s+SHA256\s+HOLDERS/)
    expect(outputs[3]!.stdout).toContain('replication factor: 1')
    expect(outputs[4]!.stdout).toContain('saved héllo wörld.bin to')
    expect(await sha256OfFile(path.join(cli.scratch, 'again.bin'))).toBe(source.sha256)
    for (const result of [await cli.p2p('--json', 'peers'), await cli.p2p('--json', 'status')]) {
      expect(result.code).toBe(0)
      expect(jsonLines(result.stdout).length).toBeGreaterThan(0)
    }
  })
})

describe('Ctrl-C', () => {
  it('keeps the .part of a download, and get -c finishes it without the peer sending the first part again', async () => {
    const size = 16 * MiB
    const source = await makeRandomFile(cli.scratch, 'resume.bin', size)
    expect((await cli.p2p('put', source.path)).code).toBe(0)
    const part = path.join(cli.workDir, 'resume.bin.part')
    // The holder sends 4 MiB a second: the download is still running when its .part has passed the first piece.
    const first = startP2p(['get', 'resume.bin'], cli.env, cli.workDir)
    const kept = await eventually('the first piece to arrive', async () => {
      const bytes = await sizeOf(part) ?? 0
      return bytes > PIECE_BYTES + MiB ? bytes : undefined
    }, 30_000, 20)
    first.child.kill('SIGINT')
    const interrupted = await first.result
    expect(interrupted.code, interrupted.stderr).toBe(130)
    expect(interrupted.stderr).toContain('get -c')
    expect(await sizeOf(path.join(cli.workDir, 'resume.bin'))).toBeNull()
    const partBytes = (await sizeOf(part))!
    expect(partBytes).toBeGreaterThanOrEqual(kept)
    expect(partBytes).toBeLessThan(size)

    const sentBefore = await sentByHolder()
    const resumed = await cli.p2p('get', '-c', 'resume.bin')
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(await sha256OfFile(path.join(cli.workDir, 'resume.bin'))).toBe(source.sha256)
    expect(await sizeOf(part)).toBeNull()
    // The client fetches whole pieces, so at most the piece the .part ended in is sent again.
    const sentAgain = await sentByHolder() - sentBefore
    expect(sentAgain).toBeLessThanOrEqual(size - Math.floor(partBytes / PIECE_BYTES) * PIECE_BYTES)
    expect(sentAgain).toBeGreaterThan(0)
  })

  it('cancels an upload and leaves nothing on the network', async () => {
    const source = await makeRandomFile(cli.scratch, 'cancelled.bin', 16 * MiB)
    const tmp = tmpDirOf(cli.holder().dataDir)
    const upload = startP2p(['put', '--limit-rate', '2MiB', source.path], cli.env, cli.workDir)
    await eventually('the upload to reach the peer', async () => (await readdir(tmp)).length > 0 ? true : undefined, 30_000, 20)
    upload.child.kill('SIGINT')
    const result = await upload.result
    expect(result.code, result.stderr).toBe(130)
    expect(result.stderr).toContain('cancelled')
    await eventually('the temporary file to go', async () => (await readdir(tmp)).length === 0 ? true : undefined)
    const listed = await cli.p2p('--json', 'ls', 'cancelled.bin')
    expect(jsonLines(listed.stdout)).toEqual([])
    for (const peer of cli.network.peers) expect(await storedPathOf(peer.dataDir, 'cancelled.bin')).toBeNull()
    // Nor is the name held: once the peer's next heartbeat has freed it, the same upload goes through.
    await eventually('the name to be free again', async () => (await cli.p2p('put', source.path)).code === 0 ? true : undefined, 15_000, 300)
  })
})

describe('integrity', () => {
  it('fails with code 6 and no file under the final name when the holder\'s copy is corrupted', async () => {
    const source = await makeRandomFile(cli.scratch, 'rotten.bin', 2 * PIECE_BYTES + 4321)
    expect((await cli.p2p('put', source.path)).code).toBe(0)
    const stored = (await storedPathOf(cli.holder().dataDir, 'rotten.bin'))!
    const pristine = path.join(cli.scratch, 'rotten.pristine')
    await copyFile(stored, pristine)
    const handle = await open(stored, 'r+')
    try {
      // One byte flipped in the second piece, behind the peer's back.
      const byte = Buffer.alloc(1)
      await handle.read(byte, 0, 1, PIECE_BYTES + 99)
      byte[0] = byte[0]! ^ 0xff
      await handle.write(byte, 0, 1, PIECE_BYTES + 99)
    } finally {
      await handle.close()
    }
    try {
      const result = await cli.p2p('get', 'rotten.bin')
      expect(result.code, result.stderr).toBe(6)
      expect(result.stderr).toMatch(/^p2p: .*verification/)
      expect(await sizeOf(path.join(cli.workDir, 'rotten.bin'))).toBeNull()
    } finally {
      await truncate(stored, 0)
      await copyFile(pristine, stored)
    }
  })

  it('fails with code 6 and keeps nothing when a resumed .part holds wrong bytes', async () => {
    const source = await makeRandomFile(cli.scratch, 'mixed.bin', PIECE_BYTES + 5000)
    expect((await cli.p2p('put', source.path)).code).toBe(0)
    const prefix = (await readFile(source.path)).subarray(0, PIECE_BYTES + 10)
    prefix[3] = prefix[3]! ^ 0xff
    await writeFile(path.join(cli.workDir, 'mixed.bin.part'), prefix)
    const result = await cli.p2p('get', '-c', 'mixed.bin')
    expect(result.code, result.stderr).toBe(6)
    expect(result.stderr).toContain('does not match its SHA-256')
    expect(await sizeOf(path.join(cli.workDir, 'mixed.bin'))).toBeNull()
    expect(await sizeOf(path.join(cli.workDir, 'mixed.bin.part'))).toBeNull()
  })
})
