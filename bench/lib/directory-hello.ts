// The directory benchmark's yardstick, run as its own process: a Fastify hello-world on a port the OS
// picks (printed on stdout). Driven exactly like the central, its requests/s is what the central's
// routes are compared with in the same run, so the ratio does not depend on the machine's speed.
import Fastify from 'fastify'
import type { AddressInfo } from 'node:net'

const app = Fastify({ logger: false })
app.get('/', async () => ({ hello: 'world' }))
await app.listen({ host: '127.0.0.1', port: 0 })
process.stdout.write(`${(app.server.address() as AddressInfo).port}\n`)
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
