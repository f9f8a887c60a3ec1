// gRPC's client and the loaded filesharing.proto: an entry point of their own, so that what imports
// the rest of @p2p/proto (the central's client, the hashing, the runtime) does not load grpc-js and
// protobuf.js with it. The pclient imports this at its first transfer (transfers/peer-connector.ts).
export * from './contracts/grpc-loader.js'
