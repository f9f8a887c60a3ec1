// Node's http module, loaded with require() instead of an ES import. An ES import of a built-in module
// reads every one of its exports to build the module's namespace, and node:http (Node 22 and later)
// has lazy WebSocket, MessageEvent and CloseEvent exports, which load Node's bundled undici, its
// WebAssembly HTTP parser included: measured on Node 24, a process that only imports node:http idles at
// 60.5 MiB RSS with 6.6 MiB of V8 heap, one that requires it at 47.0 and 4.2 (a bare process: 42.1 and
// 3.7). require() reads an export only when it is used. docs/performance.md, "undici, loaded by an
// import of node:http".
import { createRequire } from 'node:module'
import type * as NodeHttp from 'node:http'

const require = createRequire(import.meta.url)

/** node:http, as `import http from 'node:http'` would give it, without loading undici. */
export const nodeHttp: typeof NodeHttp = require('node:http')
