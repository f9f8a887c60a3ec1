// PeerFiles' service as a client sends it, with each Upload chunk freed as soon as it was encoded
// (releaseSoleView): encoding copies the bytes into the message, so a chunk its sender marked as read
// by nothing else (markSoleView: a pclient's upload from an HTTP request, whose parser gave each body
// chunk a buffer of its own) is not read again. grpc-js encodes a message when it gets to it, after
// the call's write returned, so the serializer is the one place that knows.
import type * as grpc from '@grpc/grpc-js'
import { releaseSoleView } from '../runtime/spent-buffers.js'
import type { UploadRequest } from '../generated/filesharing/v1/UploadRequest.js'
import { withMethodSerializer } from './method-serializer.js'

export function withUploadChunksFreedOnceEncoded (service: grpc.ServiceDefinition): grpc.ServiceDefinition {
  return withMethodSerializer(service, 'Upload', 'request', (generated) => (value) => {
    const encoded = generated(value)
    const chunk = (value as UploadRequest).chunk
    if (chunk instanceof Uint8Array) releaseSoleView(chunk)
    return encoded
  })
}
