// A stopping peer's gate: once closed, every new transfer call (Download, GetFileInfo, Upload) is
// refused UNAVAILABLE with PEER_DRAINING before anything else is looked at, which the pclient's
// failover takes as "ask another holder". Calls already running are not touched; Stat still answers.
import type { PeerFilesHandlers } from '@p2p/proto'
import { PeerError, toGrpcError } from '../errors.js'

export interface DrainGate {
  readonly draining: boolean
  /** From now on new transfer calls are refused. */
  close: () => void
}

export function createDrainGate (): DrainGate {
  let draining = false
  return {
    get draining () { return draining },
    close: () => { draining = true }
  }
}

function drainingError (): ReturnType<typeof toGrpcError> {
  return toGrpcError(new PeerError('PEER_DRAINING', 'this peer is shutting down and takes no new transfers; ask the central for another holder'))
}

/** `handlers`, each transfer call refused while `gate` is draining. */
export function refuseWhileDraining (handlers: PeerFilesHandlers, gate: Pick<DrainGate, 'draining'>): PeerFilesHandlers {
  return {
    ...handlers,
    Download: (call) => {
      // grpc-js answers a server stream's 'error' event with that status.
      if (gate.draining) call.emit('error', drainingError())
      else handlers.Download(call)
    },
    GetFileInfo: (call, callback) => {
      if (gate.draining) callback(drainingError())
      else handlers.GetFileInfo(call, callback)
    },
    Upload: (call, callback) => {
      if (gate.draining) callback(drainingError())
      else handlers.Upload(call, callback)
    }
  }
}
