// Large-file behaviour against real processes: byte ranges and resume through the proxy, piece
// verification against a real corrupted copy, and uploads cut off mid-stream.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createReadStream } from 'node:fs'
import { mkdtemp, open, readdir, rm, stat, truncate, copyFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FileView } from '@p2p/proto'
import { PIECE_BYTES } from '@p2p/proto'
import { eventually, getJson, makeRandomFile, sha256OfFile, startTestNetwork, storedPathOf, tmpDirOf, uploadThroughPage } from './helpers.js'
import type { TestNetwork } from './helpers.js'

const MiB = 1024 * 1024
const SIZE = 2 * PIECE_BYTES + 123_457

let network: TestNetwork
let scratch: string
let source: { path: string, sha256: string }

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'p2p-e2e-large-'))
  // One copy per file, so a download has a single holder to verify (several holders: e2e/replication.test.ts).
  network = await startTestNetwork({ peers: 2, heartbeatIntervalMs: 300, seedDir: null, capacity: () => '256MiB', replicationFactor: 1 })
  source = await makeRandomFile(scratch, 'source.bin', SIZE)
  const response = await uploadThroughPage(network.peers[0]!.url, source.path, 'big.bin')
  expect(response.status).toBe(201)
})

afterAll(async () => {
  await network?.teardown()
  await rm(scratch, { recursive: true, force: true })
})

async function sourceSlice (start: number, endInclusive: number): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const chunk of createReadStream(source.path, { start, end: endInclusive })) parts.push(chunk as Buffer)
  return Buffer.concat(parts)
}

async function holderOf (name: string): Promise<TestNetwork['peers'][number]> {
  const file = await getJson<FileView>(`${network.central.url}/files/${encodeURIComponent(name)}`).catch(async () => {
    const files = (await getJson<{ files: FileView[] }>(`${network.central.url}/files`)).files
    return files.find((f) => f.name === name)!
  })
  const holderId = file.holders[0]!.peerId
  return network.peers.find((p) => p.id === holderId)!
}

function curl (args: string[]): { done: Promise<number | null>, kill: () => void } {
  const child = spawn('curl', ['--silent', '--show-error', ...args], { stdio: ['ignore', 'ignore', 'ignore'] })
  return { done: once(child, 'exit').then(([code]) => code as number | null), kill: () => child.kill('SIGKILL') }
}

describe('byte ranges', () => {
  it.each([
    ['the first byte', 0, 0],
    ['a middle slice', 100, 199],
    ['a slice across a piece boundary', PIECE_BYTES - 10, PIECE_BYTES + 10],
    ['the tail from an offset', SIZE - 5, SIZE - 1]
  ])('answers 206 with exactly %s', async (_what, start, end) => {
    const response = await fetch(`${network.peers[1]!.url}/download/big.bin`, { headers: { range: `bytes=${start}-${end}` } })
    expect(response.status).toBe(206)
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${SIZE}`)
    expect(response.headers.get('content-length')).toBe(String(end - start + 1))
    expect(Buffer.from(await response.arrayBuffer()).equals(await sourceSlice(start, end))).toBe(true)
  })

  it('answers a suffix range with the last bytes', async () => {
    const response = await fetch(`${network.peers[1]!.url}/download/big.bin`, { headers: { range: 'bytes=-50' } })
    expect(response.status).toBe(206)
    expect(response.headers.get('content-range')).toBe(`bytes ${SIZE - 50}-${SIZE - 1}/${SIZE}`)
    expect(Buffer.from(await response.arrayBuffer()).equals(await sourceSlice(SIZE - 50, SIZE - 1))).toBe(true)
  })

  it('answers 416 with the size when the range cannot be satisfied', async () => {
    const response = await fetch(`${network.peers[1]!.url}/download/big.bin`, { headers: { range: `bytes=${SIZE}-` } })
    expect(response.status).toBe(416)
    expect(response.headers.get('content-range')).toBe(`bytes */${SIZE}`)
    expect(await response.json()).toMatchObject({ statusCode: 416 })
  })

  it('lets curl -C - resume an interrupted download byte-identical', async () => {
    const out = path.join(scratch, 'resumed.bin')
    // A slow first attempt, cut off once some bytes have arrived.
    // Cut off as soon as the first bytes are on disk, long before the rest could arrive even on a
    // machine so busy that this poll runs late.
    const first = curl(['--limit-rate', '200K', '-o', out, `${network.peers[1]!.url}/download/big.bin`])
    await eventually('part of the file to arrive', async () => {
      const size = await stat(out).then((s) => s.size, () => 0)
      return size > 0 ? size : undefined
    }, 15_000, 20)
    first.kill()
    await first.done
    const partial = (await stat(out)).size
    expect(partial).toBeGreaterThan(0)
    expect(partial).toBeLessThan(SIZE)

    const second = curl(['--fail', '-C', '-', '-o', out, `${network.peers[1]!.url}/download/big.bin`])
    expect(await second.done).toBe(0)
    expect((await stat(out)).size).toBe(SIZE)
    expect(await sha256OfFile(out)).toBe(source.sha256)
  })
})

describe('uploads cut off mid-stream', () => {
  const listed = async (name: string): Promise<boolean> =>
    (await getJson<{ files: FileView[] }>(`${network.central.url}/files`)).files.some((f) => f.name === name)
  const tmpFiles = async (): Promise<string[]> =>
    (await Promise.all(network.peers.map(async (p) => await readdir(tmpDirOf(p.dataDir)).catch(() => [])))).flat()

  it('leave nothing listed and no temporary file when the client goes away', async () => {
    const big = await makeRandomFile(scratch, 'cut-by-client.bin', 32 * MiB)
    const upload = curl(['--limit-rate', '4M', '-H', 'accept: application/json', '-F', `file=@${big.path}`, `${network.peers[0]!.url}/upload_file/`])
    await eventually('the upload to reach a peer', async () => (await tmpFiles()).length > 0 ? true : undefined)
    upload.kill()
    await upload.done
    await eventually('the temporary file to be removed', async () => (await tmpFiles()).length === 0 ? true : undefined)
    expect(await listed('cut-by-client.bin')).toBe(false)
    for (const p of network.peers) {
      expect(await storedPathOf(p.dataDir, 'cut-by-client.bin')).toBeNull()
    }
  })

  it('leave nothing listed and no temporary file after the receiving peer crashes and restarts', async () => {
    const big = await makeRandomFile(scratch, 'cut-by-crash.bin', 32 * MiB)
    const upload = curl(['--limit-rate', '4M', '-H', 'accept: application/json', '-F', `file=@${big.path}`, `${network.peers[0]!.url}/upload_file/`])
    const receiver = await eventually('the upload to reach a peer', async () => {
      for (const p of network.peers) {
        if ((await readdir(tmpDirOf(p.dataDir)).catch(() => [])).length > 0) return p
      }
      return undefined
    })
    await receiver.restartPserver('SIGKILL')
    upload.kill()
    await upload.done
    expect(await readdir(tmpDirOf(receiver.dataDir))).toEqual([])
    expect(await listed('cut-by-crash.bin')).toBe(false)
    expect(await storedPathOf(receiver.dataDir, 'cut-by-crash.bin')).toBeNull()
  })
})

describe('piece verification', () => {
  it('never hands on the bytes of a corrupted piece from a real peer', async () => {
    const copy = path.join(scratch, 'pristine.bin')
    const holder = await holderOf('big.bin')
    const stored = (await storedPathOf(holder.dataDir, 'big.bin'))!
    await copyFile(stored, copy)
    // Flip one byte in the second piece, behind the peer's back (bit rot, a bad disk, tampering).
    const handle = await open(stored, 'r+')
    try {
      const offset = PIECE_BYTES + 1000
      const byte = Buffer.alloc(1)
      await handle.read(byte, 0, 1, offset)
      byte[0] = byte[0]! ^ 0xff
      await handle.write(byte, 0, 1, offset)
    } finally {
      await handle.close()
    }
    try {
      const response = await fetch(`${network.peers[1]!.url}/download/big.bin`)
      let received = 0
      const failed = await (async () => {
        try {
          for await (const chunk of response.body!) received += (chunk as Uint8Array).length
          return false
        } catch {
          return true
        }
      })()
      // Either refused outright or cut off: never the whole file, and never past the good first piece.
      expect(response.status !== 200 || failed).toBe(true)
      expect(received).toBeLessThanOrEqual(PIECE_BYTES)
    } finally {
      // Put the good bytes back for any later test (same size, same inode).
      await truncate(stored, 0)
      await copyFile(copy, stored)
    }
  })
})
