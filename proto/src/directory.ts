// What the central directory needs, from one import: '@p2p/proto/directory': its REST contracts, file
// names, cluster authentication and transfer tickets, and running a service. It leaves out gRPC, the
// central's own client and the hashing thread, which the central never uses: loading them would cost
// its process memory for nothing.
export * from './contracts/file-name.js'
export * from './contracts/central-api.js'
export * from './contracts/grpc-metadata.js'
export * from './auth/cluster-keys.js'
export * from './auth/request-signature.js'
export * from './auth/transfer-tickets.js'
export * from './auth/delete-token.js'
export * from './runtime/index.js'
