import http2 from 'node:http2'
import * as grpc from '@grpc/grpc-js'
import { afterEach, describe, expect, it } from 'vitest'
import { bindServer } from '../../src/app.js'
import { enlargeServerReceiveWindow } from '../../src/grpc/flow-control.js'
import { waitFor } from '../helpers.js'

const WINDOW = 8 * 1024 * 1024

let server: grpc.Server | null = null
let session: http2.ClientHttp2Session | null = null
afterEach(() => {
  session?.destroy()
  server?.forceShutdown()
})

describe('server receive window', () => {
  it('announces the large window to every connecting client, per stream and for the connection', async () => {
    server = new grpc.Server()
    expect(enlargeServerReceiveWindow(server, WINDOW)).toBe(true)
    const port = await bindServer(server, '127.0.0.1', 0)
    session = http2.connect(`http://127.0.0.1:${port}`)
    session.on('error', () => {})
    const client = session
    await waitFor('the server to raise its windows', () =>
      client.remoteSettings.initialWindowSize === WINDOW && client.state.remoteWindowSize === WINDOW)
  })

  it('gives each stream a window of its own when asked, below the connection\'s', async () => {
    server = new grpc.Server()
    expect(enlargeServerReceiveWindow(server, WINDOW, WINDOW / 4)).toBe(true)
    const port = await bindServer(server, '127.0.0.1', 0)
    session = http2.connect(`http://127.0.0.1:${port}`)
    session.on('error', () => {})
    const client = session
    await waitFor('the server to raise its windows', () =>
      client.remoteSettings.initialWindowSize === WINDOW / 4 && client.state.remoteWindowSize === WINDOW)
  })

  it('leaves grpc-js at the 64 KiB default without it (what the module exists to fix)', async () => {
    server = new grpc.Server()
    const port = await bindServer(server, '127.0.0.1', 0)
    session = http2.connect(`http://127.0.0.1:${port}`)
    session.on('error', () => {})
    await new Promise((resolve) => session!.once('remoteSettings', resolve))
    expect(session.remoteSettings.initialWindowSize).toBe(65_535)
  })
})
