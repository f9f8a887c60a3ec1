// The stored file a Download or GetFileInfo request names: by name, by content hash, or by both
// (which must agree). Both handlers refuse and answer in exactly the same way.
import { fileNameSchema, sha256Schema } from '@p2p/proto'
import { PeerError } from '../errors.js'
import type { FileStore, StoredFile } from '../store/file-store.js'

export async function findFile (store: Pick<FileStore, 'get' | 'findBySha256'>, request: { name: string, sha256: string }): Promise<StoredFile> {
  if (request.name === '' && request.sha256 === '') throw new PeerError('PEER_BAD_REQUEST', 'name or sha256 is required')
  let name: string | null = null
  if (request.name !== '') {
    const parsed = fileNameSchema.safeParse(request.name)
    if (!parsed.success) throw new PeerError('PEER_BAD_REQUEST', parsed.error.issues[0]?.message ?? 'invalid file name')
    name = parsed.data
  }
  if (request.sha256 !== '' && !sha256Schema.safeParse(request.sha256).success) {
    throw new PeerError('PEER_BAD_REQUEST', 'sha256 must be 64 lower-case hex digits')
  }
  const file = name != null ? await store.get(name) : await store.findBySha256(request.sha256)
  if (file == null) throw new PeerError('PEER_NOT_FOUND', name != null ? `no file named "${name}" here` : 'no file with that sha256 here')
  if (request.sha256 !== '' && file.sha256 !== request.sha256) {
    throw new PeerError('PEER_NOT_FOUND', `"${file.name}" here has a different sha256`)
  }
  return file
}
