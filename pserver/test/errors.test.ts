import { status } from '@grpc/grpc-js'
import { describe, expect, it } from 'vitest'
import { ERROR_CODE_METADATA_KEY } from '@p2p/proto'
import { PEER_ERROR_STATUS, PeerError, toGrpcError } from '../src/errors.js'

describe('toGrpcError', () => {
  it('answers a PeerError with its status, message and code', () => {
    const err = toGrpcError(new PeerError('PEER_NO_ROOM', '5 bytes do not fit'))
    expect(err.code).toBe(status.RESOURCE_EXHAUSTED)
    expect(err.details).toBe('5 bytes do not fit')
    expect(err.metadata.get(ERROR_CODE_METADATA_KEY)).toEqual(['PEER_NO_ROOM'])
  })

  it('answers anything else as INTERNAL without its message', () => {
    const err = toGrpcError(new Error("ENOENT: no such file or directory, open '/srv/secret/path'"))
    expect(err.code).toBe(status.INTERNAL)
    expect(err.details).not.toContain('/srv')
    expect(err.metadata.get(ERROR_CODE_METADATA_KEY)).toEqual(['PEER_INTERNAL'])
  })

  it('gives every code the status of the shared contract', () => {
    expect(PEER_ERROR_STATUS).toEqual({
      PEER_NOT_FOUND: status.NOT_FOUND,
      PEER_NO_ROOM: status.RESOURCE_EXHAUSTED,
      PEER_FILE_EXISTS: status.ALREADY_EXISTS,
      PEER_BAD_REQUEST: status.INVALID_ARGUMENT,
      PEER_OUT_OF_RANGE: status.OUT_OF_RANGE,
      PEER_SIZE_MISMATCH: status.DATA_LOSS,
      PEER_HASH_MISMATCH: status.DATA_LOSS,
      PEER_INCOMPLETE_UPLOAD: status.DATA_LOSS,
      PEER_CANCELLED: status.CANCELLED,
      PEER_DRAINING: status.UNAVAILABLE,
      PEER_UNAUTHENTICATED: status.UNAUTHENTICATED,
      PEER_FORBIDDEN: status.PERMISSION_DENIED,
      PEER_INTERNAL: status.INTERNAL
    })
  })
})
