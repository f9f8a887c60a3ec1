// The Redis the directory benchmark's redis store runs on: Debian's redis-server on a free port with its
// files in a temporary folder, nothing persisted (a pass starts from an empty Redis), and how much
// memory it uses (INFO memory, asked over a bare RESP connection: the bench needs one command, not a client).
// A local stand-in for test-support's startRedisServer, which lands with the Redis store.
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort, stopChild } from './directory-processes.js'

export const REDIS_SERVER = '/usr/bin/redis-server'
const READY_TIMEOUT_MS = 10_000

export interface BenchRedis {
  url: string
  pid: number
  /** INFO memory's used_memory: the bytes Redis's allocator holds for data and overhead. */
  usedMemory: () => Promise<number>
  stop: () => Promise<void>
}

/** Sends one command and resolves with the whole reply's raw text (a simple string or one bulk string). */
async function command (port: number, args: string[]): Promise<string> {
  const request = `*${args.length}\r\n` + args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')
  return await new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request))
    let reply = ''
    socket.setEncoding('utf8')
    socket.setTimeout(5000, () => socket.destroy(new Error(`redis-server on port ${port} did not answer ${args[0] ?? ''}`)))
    socket.on('data', (chunk: string) => {
      reply += chunk
      const bulk = /^\$(\d+)\r\n/.exec(reply)
      const complete = bulk != null ? Buffer.byteLength(reply) >= bulk[0].length + Number(bulk[1]) + 2 : reply.endsWith('\r\n')
      if (complete) {
        socket.end()
        resolve(reply)
      }
    })
    socket.on('error', reject)
  })
}

export async function startRedis (): Promise<BenchRedis> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'p2p-bench-redis-'))
  const port = await freePort()
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  let spawnError: Error | null = null
  child.once('error', (err) => { spawnError = err })
  const stop = async (): Promise<void> => {
    await stopChild(child)
    await rm(dir, { recursive: true, force: true })
  }
  const usedMemory = async (): Promise<number> => {
    const match = /^used_memory:(\d+)\r?$/m.exec(await command(port, ['INFO', 'memory']))
    if (match == null) throw new Error('INFO memory did not report used_memory')
    return Number(match[1])
  }
  try {
    for (const deadline = Date.now() + READY_TIMEOUT_MS; ; await sleep(50)) {
      if (spawnError != null) throw spawnError
      if (child.exitCode != null) throw new Error(`it exited with code ${child.exitCode}`)
      try {
        if ((await command(port, ['PING'])).startsWith('+PONG')) break
      } catch (err) {
        if (Date.now() > deadline) throw err
      }
    }
  } catch (err) {
    await stop()
    throw new Error(`${REDIS_SERVER} did not start: ${err instanceof Error ? err.message : String(err)}`)
  }
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid!, usedMemory, stop }
}
