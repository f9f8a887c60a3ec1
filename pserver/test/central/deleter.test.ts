// The deleter over a real disk store: a delete order removes the name when it still refers to the
// deleted content (the bytes go once no other name refers to them), leaves a name shared again with
// other content alone, abandons a copy of the name, reports each name once until the central has the
// report, never runs an order twice at once, and tries a failed one again when the central orders it again.
import type { FileStore } from '../../src/store/file-store.js'
import { afterEach, describe, expect, it } from 'vitest'
import { createDeleter } from '../../src/central/deleter.js'
import { captureLogger, readStored, sha256, silentLogger, startTestPeer, storedContents, waitFor } from '../helpers.js'
import type { TestPeer } from '../helpers.js'

const deleted = Buffer.from('shared by mistake')
const other = Buffer.from('shared again, other bytes')

let peers: TestPeer[] = []
afterEach(async () => {
  await Promise.all(peers.map(async (peer) => { await peer.close() }))
  peers = []
})

async function start (files: Record<string, Buffer>): Promise<TestPeer> {
  const peer = await startTestPeer({ files })
  peers.push(peer)
  return peer
}

/** The real store's remove, counted, failing the first `failures` calls as a full or broken disk would. */
function countedRemove (store: FileStore, failures = 0): { store: Pick<FileStore, 'remove'>, calls: () => number } {
  let calls = 0
  return {
    calls: () => calls,
    store: {
      remove: async (name, digest) => {
        calls++
        if (calls <= failures) throw new Error('EIO: the disk refused')
        return await store.remove(name, digest)
      }
    }
  }
}

describe('deleter', () => {
  it('removes the name and its bytes, abandons its copy, and reports it until the central has the report', async () => {
    const peer = await start({ 'mistake.bin': deleted })
    const abandoned: string[] = []
    const deleter = createDeleter({ store: peer.store, abandonCopy: (name) => abandoned.push(name), logger: silentLogger })
    deleter.accept([{ name: 'mistake.bin', sha256: sha256(deleted) }])
    expect(abandoned).toEqual(['mistake.bin'])
    await waitFor('the delete to be done', () => deleter.done().length === 1)
    expect(deleter.done()).toEqual(['mistake.bin'])
    expect(await peer.store.get('mistake.bin')).toBeNull()
    expect(await storedContents(peer.dataDir)).toEqual([])
    // Reported in every heartbeat until one reaches the central.
    expect(deleter.done()).toEqual(['mistake.bin'])
    deleter.reported(['mistake.bin'])
    expect(deleter.done()).toEqual([])
  })

  it('keeps the bytes another name still refers to', async () => {
    const peer = await start({ 'mistake.bin': deleted, 'same bytes.bin': deleted })
    const deleter = createDeleter({ store: peer.store, abandonCopy: () => {}, logger: silentLogger })
    deleter.accept([{ name: 'mistake.bin', sha256: sha256(deleted) }])
    await waitFor('the delete to be done', () => deleter.done().length === 1)
    expect(await peer.store.get('mistake.bin')).toBeNull()
    expect((await readStored(peer.dataDir, 'same bytes.bin')).equals(deleted)).toBe(true)
  })

  it('leaves alone a name that now refers to other content, and reports the order done all the same', async () => {
    const peer = await start({ 'mistake.bin': other })
    const deleter = createDeleter({ store: peer.store, abandonCopy: () => {}, logger: silentLogger })
    deleter.accept([{ name: 'mistake.bin', sha256: sha256(deleted) }])
    await waitFor('the delete to be done', () => deleter.done().length === 1)
    expect((await readStored(peer.dataDir, 'mistake.bin')).equals(other)).toBe(true)
  })

  it('runs an order once while it runs or waits to be reported, and again when ordered after a failure', async () => {
    const peer = await start({ 'mistake.bin': deleted })
    const removal = countedRemove(peer.store, 1)
    const { logger, lines } = captureLogger()
    const deleter = createDeleter({ store: removal.store, abandonCopy: () => {}, logger })
    const order = { name: 'mistake.bin', sha256: sha256(deleted) }
    deleter.accept([order, order])
    deleter.accept([order])
    expect(removal.calls()).toBe(1)
    // The disk refused: nothing is reported, so the central orders it again with the next lease.
    await waitFor('the failure to be logged', () => lines.some((line) => String(line.reason).includes('EIO')))
    expect(deleter.done()).toEqual([])
    expect(await peer.store.get('mistake.bin')).not.toBeNull()

    deleter.accept([order])
    expect(removal.calls()).toBe(2)
    await waitFor('the delete to be done', () => deleter.done().length === 1)
    expect(await peer.store.get('mistake.bin')).toBeNull()
    // Done but not yet reported: the same order in the meantime is not run again.
    deleter.accept([order])
    expect(removal.calls()).toBe(2)
  })
})
