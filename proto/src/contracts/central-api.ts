// The central's REST API as zod schemas: the central validates with them, its clients (pserver,
// pclient) parse its answers with them, and the OpenAPI document at /docs is generated from them.
// The values routes are made of are in central-values.ts, the peers' side in central-peers.ts, the
// files' side in central-files.ts.
export * from './central-values.js'
export * from './central-peers.js'
export * from './central-files.js'
