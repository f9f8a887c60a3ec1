import { Metadata, status } from '@grpc/grpc-js'
import type { ServiceError } from '@grpc/grpc-js'
import { CentralRequestError, CentralUnreachableError } from '@p2p/proto'
import { describe, expect, it } from 'vitest'
import { peerErrorCode, toHttpError } from '../src/error-mapping.js'
import { BadNameError } from '../src/errors.js'

function grpcError (code: status, peerCode?: string): ServiceError {
  const metadata = new Metadata()
  if (peerCode != null) metadata.set('p2p-error-code', peerCode)
  return Object.assign(new Error(`${code}: details`), { code, details: 'details from the peer', metadata })
}

describe('toHttpError', () => {
  it.each([
    [status.RESOURCE_EXHAUSTED, 507, 'PCLIENT_NO_ROOM'],
    [status.ALREADY_EXISTS, 409, 'PCLIENT_FILE_EXISTS'],
    [status.INVALID_ARGUMENT, 400, 'PCLIENT_PEER_REFUSED'],
    [status.NOT_FOUND, 404, 'PCLIENT_FILE_NOT_FOUND'],
    [status.DATA_LOSS, 502, 'PCLIENT_DATA_LOSS'],
    [status.UNAVAILABLE, 502, 'PCLIENT_PEER_UNREACHABLE'],
    [status.DEADLINE_EXCEEDED, 502, 'PCLIENT_PEER_UNREACHABLE'],
    [status.INTERNAL, 502, 'PCLIENT_PEER_ERROR'],
    [status.OUT_OF_RANGE, 502, 'PCLIENT_PEER_ERROR']
  ])('maps gRPC status %i to HTTP %i %s', (code, statusCode, errorCode) => {
    const mapped = toHttpError(grpcError(code))
    expect(mapped.statusCode).toBe(statusCode)
    expect(mapped.code).toBe(errorCode)
    expect(mapped.message).toContain('details from the peer')
  })

  it("reads the peer's stable code from the metadata", () => {
    expect(peerErrorCode(grpcError(status.RESOURCE_EXHAUSTED, 'PEER_NO_ROOM'))).toBe('PEER_NO_ROOM')
    expect(peerErrorCode(grpcError(status.RESOURCE_EXHAUSTED))).toBeNull()
  })

  it.each([
    [404, 'CENTRAL_FILE_NOT_FOUND', 404, 'PCLIENT_FILE_NOT_FOUND'],
    [409, 'CENTRAL_FILE_EXISTS', 409, 'PCLIENT_FILE_EXISTS'],
    [507, 'CENTRAL_NO_ROOM', 507, 'PCLIENT_NO_ROOM'],
    [400, 'CENTRAL_VALIDATION', 400, 'PCLIENT_BAD_REQUEST'],
    [500, 'CENTRAL_INTERNAL', 502, 'PCLIENT_CENTRAL_ERROR']
  ])('maps the central answering %i %s to %i %s', (centralStatus, centralCode, statusCode, errorCode) => {
    const mapped = toHttpError(new CentralRequestError(centralStatus, centralCode, 'from the central'))
    expect(mapped.statusCode).toBe(statusCode)
    expect(mapped.code).toBe(errorCode)
  })

  it('maps an unreachable central to 502 PCLIENT_CENTRAL_UNREACHABLE', () => {
    const mapped = toHttpError(new CentralUnreachableError('http://127.0.0.1:1', { cause: new Error('ECONNREFUSED') }))
    expect(mapped).toMatchObject({ statusCode: 502, code: 'PCLIENT_CENTRAL_UNREACHABLE' })
  })

  it('keeps its own errors and hides anything else behind 500 PCLIENT_INTERNAL', () => {
    const own = new BadNameError('nope')
    expect(toHttpError(own)).toBe(own)
    expect(toHttpError(new Error('ENOENT /secret/path'))).toMatchObject({ statusCode: 500, code: 'PCLIENT_INTERNAL' })
    expect(toHttpError(new Error('ENOENT /secret/path')).message).not.toContain('secret')
  })

  it.each([
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 415, 'PCLIENT_UNSUPPORTED_MEDIA_TYPE'],
    ['FST_INVALID_MULTIPART_CONTENT_TYPE', 406, 400, 'PCLIENT_NO_FILE'],
    ['FST_REQ_FILE_TOO_LARGE', 413, 413, 'PCLIENT_TOO_LARGE'],
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 413, 'PCLIENT_TOO_LARGE'],
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 400, 'PCLIENT_VALIDATION'],
    ['FST_ERR_BAD_URL', 400, 400, 'PCLIENT_VALIDATION'],
    ['FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 400, 'PCLIENT_BAD_REQUEST']
  ])("maps Fastify's %s (%i) to %i %s", (fastifyCode, fastifyStatus, statusCode, errorCode) => {
    const mapped = toHttpError(Object.assign(new Error('from Fastify'), { code: fastifyCode, statusCode: fastifyStatus }))
    expect(mapped).toMatchObject({ statusCode, code: errorCode })
  })

  it('maps any other error carrying a 4xx status to 400 PCLIENT_BAD_REQUEST, and a 5xx one to 500 PCLIENT_INTERNAL', () => {
    expect(toHttpError(Object.assign(new Error('bad header'), { statusCode: 431 }))).toMatchObject({ statusCode: 400, code: 'PCLIENT_BAD_REQUEST' })
    expect(toHttpError(Object.assign(new Error('oops'), { code: 'FST_ERR_SOMETHING', statusCode: 500 }))).toMatchObject({ statusCode: 500, code: 'PCLIENT_INTERNAL' })
  })
})
