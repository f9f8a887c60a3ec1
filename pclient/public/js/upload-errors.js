// Why an upload failed, in words a person can act on, from the client's stable error codes (never
// from message text alone, which may change).
import { formatBytes } from './format.js'

const NETWORK_UNREACHABLE = "Network unreachable: this peer's page did not answer. Check your connection and try again."

/** `body` is the JSON error {statusCode, error, message}, or null when the answer had none. */
export function describeUploadError (status, body, file, maxUpload) {
  const message = typeof body?.message === 'string' ? body.message : ''
  switch (body?.error) {
    case 'PCLIENT_NO_ROOM':
      return `No room on the network: no peer has ${formatBytes(file.size)} free for this file. Free some space, or ask a friend with room to join.`
    case 'PCLIENT_BAD_NAME':
      return `Name not allowed: ${message.replace(/^bad file name: /, '')}. Rename the file and try again.`
    case 'PCLIENT_FILE_EXISTS':
      return `Name taken: a file named “${file.name}” is already shared. Rename yours to share it too.`
    case 'PCLIENT_TOO_LARGE':
      return `Too large: this peer accepts files up to ${maxUpload}.`
    case 'PCLIENT_CENTRAL_UNREACHABLE':
      return 'Network unreachable: the central directory does not answer, so no peer can be chosen to store the file. Try again in a moment.'
    case 'PCLIENT_PEER_UNREACHABLE':
      return 'Network unreachable: the peer chosen to store the file stopped answering. Try again.'
  }
  if (status === 0) return NETWORK_UNREACHABLE
  return message !== '' ? `Upload failed: ${message}` : `Upload failed (HTTP ${status}).`
}
