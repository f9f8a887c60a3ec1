// The transfer counter: each transfer counts until its end function runs, and a shutdown cancels
// every transfer still running with PEER_CANCELLED.
import { describe, expect, it } from 'vitest'
import { createActiveTransfers } from '../../src/grpc/active-transfers.js'
import type { PeerError } from '../../src/errors.js'

describe('active transfers', () => {
  it('counts a transfer from begin until its end function runs, once', () => {
    const transfers = createActiveTransfers()
    const endFirst = transfers.begin(() => {})
    const endSecond = transfers.begin(() => {})
    expect(transfers.count()).toBe(2)
    endFirst()
    endFirst()
    expect(transfers.count()).toBe(1)
    endSecond()
    expect(transfers.count()).toBe(0)
  })

  it('cancels every running transfer with PEER_CANCELLED, and none that ended', () => {
    const transfers = createActiveTransfers()
    const reasons: string[] = []
    transfers.begin((reason: PeerError) => { reasons.push(`a:${reason.code}`) })
    const end = transfers.begin(() => { reasons.push('ended') })
    end()
    transfers.begin((reason: PeerError) => { reasons.push(`b:${reason.code}`) })
    transfers.cancelAll()
    expect(reasons).toEqual(['a:PEER_CANCELLED', 'b:PEER_CANCELLED'])
  })
})

describe('active transfers, waited for', () => {
  it('resolves whenIdle at once with none running, else when the last one ends', async () => {
    const transfers = createActiveTransfers()
    await transfers.whenIdle()
    const endFirst = transfers.begin(() => {})
    const endSecond = transfers.begin(() => {})
    let idle = false
    const waiting = transfers.whenIdle().then(() => { idle = true })
    endFirst()
    await Promise.resolve()
    expect(idle).toBe(false)
    endSecond()
    await waiting
    expect(idle).toBe(true)
  })
})
