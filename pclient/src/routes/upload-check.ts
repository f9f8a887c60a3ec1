// GET /api/upload-check?name=&size=: would this upload be accepted? The page asks before sending a
// file, because a browser reads an upload's answer only once it has sent the whole body: a 2 GiB file
// that fits nowhere would otherwise travel in full before its error shows (or be cut off and look
// like a network failure). Advisory only: the upload itself is checked again, and space can change.
import { CentralErrorCode, CentralRequestError, formatBytes } from '@p2p/proto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { toHttpError } from '../error-mapping.js'
import { FileExistsError, NoRoomError, UploadTooLargeError, parseFileName } from '../errors.js'

const uploadCheckQuerySchema = z.object({
  // Any string: a bad name gets PCLIENT_BAD_NAME with its reason, as the upload would.
  name: z.string().max(1024),
  size: z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
})

export const uploadCheckRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/upload-check', {
    schema: { querystring: uploadCheckQuerySchema, response: { 200: z.object({ name: z.string(), size: z.number() }) } }
  }, async (request) => {
    const name = parseFileName(request.query.name)
    const { size } = request.query
    const maxBytes = app.settings.maxUploadBytes
    if (size > maxBytes) throw new UploadTooLargeError(`an upload may be at most ${maxBytes} bytes (${formatBytes(maxBytes)}), this file is ${size}`)
    try {
      const peers = await app.central.listPeers()
      const mostFree = Math.max(0, ...peers.map((peer) => peer.freeBytes))
      if (size > mostFree) throw new NoRoomError(`no live peer has room for ${formatBytes(size)}; the most free space on any peer is ${formatBytes(mostFree)}`)
      if (await isTaken(name)) throw new FileExistsError(`a live peer already holds a file named '${name}'`)
    } catch (err) {
      throw toHttpError(err)
    }
    return { name, size }
  })

  async function isTaken (name: string): Promise<boolean> {
    try {
      return (await app.central.locate(name)).holders.length > 0
    } catch (err) {
      // A lost file's name (every holder gone) may be uploaded again.
      if (err instanceof CentralRequestError && (err.code === CentralErrorCode.FileNotFound || err.code === CentralErrorCode.FileLost)) return false
      throw err
    }
  }
}
