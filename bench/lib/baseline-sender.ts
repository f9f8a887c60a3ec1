// A baseline sender run as its own process: streams one file from disk to whoever connects, either
// over a raw TCP socket (`tcp`) or as the body of a plain Node HTTP response (`http`). Prints its port.
import { createReadStream, statSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { pipeline } from 'node:stream'

const [mode, filePath] = process.argv.slice(2)
if ((mode !== 'tcp' && mode !== 'http') || filePath == null) {
  process.stderr.write('usage: baseline-sender.ts tcp|http FILE\n')
  process.exit(2)
}
const size = statSync(filePath).size
const READ_CHUNK = 1024 * 1024

const server = mode === 'tcp'
  ? net.createServer((socket) => { pipeline(createReadStream(filePath, { highWaterMark: READ_CHUNK }), socket, () => {}) })
  : http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size })
    pipeline(createReadStream(filePath, { highWaterMark: READ_CHUNK }), res, () => {})
  })
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`)
})
process.on('SIGTERM', () => process.exit(0))
