// The containers' HEALTHCHECK (see Dockerfile): exits 0 when the service answers at the URL given, 1
// otherwise. http(s)://… must answer a GET with a 2xx; tcp://host:port must accept a connection.
// A wildcard host (0.0.0.0, ::) is where a service listens, not where to reach it: it is checked on
// loopback. Plain JavaScript so that node runs it alone, cheaply, at every interval.
import net from 'node:net'

const TIMEOUT_MS = 4000
const LOOPBACK = new Map([['0.0.0.0', '127.0.0.1'], ['[::]', '[::1]']])

function fail (message) {
  process.stderr.write(`unhealthy: ${message}\n`)
  process.exit(1)
}

let target
try {
  target = new URL(process.argv[2] ?? '')
} catch {
  fail(`expected a URL argument (http://host:port/path or tcp://host:port), got ${JSON.stringify(process.argv[2] ?? '')}`)
}
target.hostname = LOOPBACK.get(target.hostname) ?? target.hostname

if (target.protocol === 'tcp:') {
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1')
  const socket = net.connect({ host, port: Number(target.port), timeout: TIMEOUT_MS })
  socket.once('connect', () => { socket.destroy(); process.exit(0) })
  socket.once('timeout', () => fail(`${target.host}: no connection within ${TIMEOUT_MS} ms`))
  socket.once('error', (err) => fail(`${target.host}: ${err.message}`))
} else {
  fetch(target, { signal: AbortSignal.timeout(TIMEOUT_MS) }).then(
    (response) => response.ok ? process.exit(0) : fail(`${target.href} answered ${response.status}`),
    (err) => fail(`${target.href}: ${err.cause?.message ?? err.message}`)
  )
}
