// Replaces how one method of a gRPC service encodes its requests or its answers, keeping everything
// else of the service: the hook where a message's bytes are copied into what goes on the wire (see
// freed-upload-chunks.ts here, and the pserver's chunk-encoding.ts).
import type * as grpc from '@grpc/grpc-js'

type MethodDefinition = grpc.MethodDefinition<unknown, unknown>
type Serialize = (value: unknown) => Buffer

/** `service` with `method`'s request or response serializer made by `replace` from the generated one. */
export function withMethodSerializer (
  service: grpc.ServiceDefinition, method: string, side: 'request' | 'response', replace: (generated: Serialize) => Serialize
): grpc.ServiceDefinition {
  const definition = service[method] as MethodDefinition | undefined
  if (definition == null) throw new Error(`the service has no ${method} method`)
  const key = side === 'request' ? 'requestSerialize' : 'responseSerialize'
  return { ...service, [method]: { ...definition, [key]: replace(definition[key]) } }
}
