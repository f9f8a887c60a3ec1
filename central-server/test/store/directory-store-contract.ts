// The behaviour every DirectoryStore must have. Each implementation's test file calls
// describeDirectoryStoreContract with a factory, so the memory store and a later Redis store pass the same suite.
// The suite is split like the interface: peers, holdings and the catalog, reservations, upload claims,
// placement candidates, the copy queue, listings and counts, tombstones.
import { afterEach, describe } from 'vitest'
import type { DirectoryStore } from '../../src/store/directory-store.js'
import { describeCopyQueueContract } from './contract/copy-queue.js'
import { describeHoldingStoreContract } from './contract/holdings.js'
import { describeListingsContract } from './contract/listings.js'
import { describePeerStoreContract } from './contract/peers.js'
import { describePlacementContract } from './contract/placement.js'
import { describeReservationStoreContract } from './contract/reservations.js'
import { describeTombstoneStoreContract } from './contract/tombstones.js'
import { describeUploadClaimContract } from './contract/upload-claims.js'

export function describeDirectoryStoreContract (name: string, makeStore: () => DirectoryStore | Promise<DirectoryStore>): void {
  describe(`DirectoryStore contract: ${name}`, () => {
    const opened: DirectoryStore[] = []
    async function open (): Promise<DirectoryStore> {
      const store = await makeStore()
      opened.push(store)
      return store
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map(async (store) => { await store.close() }))
    })

    describePeerStoreContract(open)
    describeHoldingStoreContract(open)
    describeReservationStoreContract(open)
    describeUploadClaimContract(open)
    describePlacementContract(open)
    describeCopyQueueContract(open)
    describeListingsContract(open)
    describeTombstoneStoreContract(open)
  })
}
