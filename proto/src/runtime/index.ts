// Running a service, from one import: '@p2p/proto/runtime'. What the proxy needs, and nothing that
// loads gRPC, protobuf or the hashing thread, which would cost every process that imports it memory.
export * from './byte-size.js'
export * from './env-schemas.js'
export * from './http-drain.js'
export * from './load-config.js'
export * from './metrics.js'
export * from './node-http.js'
export * from './request-id.js'
export * from './serve.js'
export * from './transfer-metrics.js'
export * from './validation-issues.js'
export * from './spent-buffers.js'
