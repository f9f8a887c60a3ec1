// POST /upload_file/: one multipart file (field `file`), streamed to the peer the central picks, never
// buffered whole. The bytes go through transfers/upload.ts; this route checks the request's framing.
import { byteCountSchema, errorBodySchema, fileNameSchema, formatBytes, sha256Schema } from '@p2p/proto'
import type { PlacementBody } from '@p2p/proto'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { toHttpError } from '../error-mapping.js'
import { BadRequestError, EmptyFileNameError, LengthRequiredError, NoFileError, UploadTooLargeError, isClientError } from '../errors.js'
import type { ClientError } from '../errors.js'
import { prefersHtml } from '../http/negotiate.js'
import { assertSameOrigin } from '../http/same-origin.js'
import { connectWithRequestId } from '../transfers/peer-connector.js'
import { uploadFile } from '../transfers/upload.js'

const uploadResponseSchema = z.object({
  name: fileNameSchema,
  size: byteCountSchema,
  sha256: sha256Schema,
  /** Peers that hold the file now (the one it was sent to). */
  peers: z.array(z.string()),
  /** Copies the network holds now: 1, the peer it was sent to; the central has the rest made on its own. */
  copies: z.number().int().nonnegative(),
  /** Copies the network keeps of every file (when fewer peers have room, fewer); null if the central could not say. */
  replicationFactor: z.number().int().positive().nullable(),
  /** Deletes this file from the whole network (DELETE /files/:name, X-Delete-Token); given only here, once. */
  deleteToken: z.string()
})

/** Non-file fields a form may carry alongside the file; they are ignored, but bounded. */
const MAX_FIELDS = 20

/** Multipart failures as PCLIENT_ errors: Fastify's by their code, busboy's (no code) as a malformed body. */
function asMultipartError (err: unknown): ClientError {
  if (isClientError(err)) return err
  if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.code.startsWith('FST_')) return toHttpError(err)
  return new BadRequestError(`the multipart body is malformed: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
}

export const uploadRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/upload_file/', {
    schema: { response: { 201: uploadResponseSchema, '4xx': errorBodySchema, '5xx': errorBodySchema } },
    config: { page: true }
  }, async (request, reply) => {
    assertSameOrigin(request)
    const maxBytes = app.settings.maxUploadBytes
    // The whole request's length bounds the file's, so the central can place it before a byte arrived.
    const declared = request.headers['content-length']
    if (declared == null || declared === '') throw new LengthRequiredError()
    const contentLength = Number(declared)
    if (contentLength > maxBytes) {
      throw new UploadTooLargeError(`an upload may be at most ${maxBytes} bytes (${formatBytes(maxBytes)}), this one is ${contentLength}`)
    }
    if (!request.isMultipart()) throw new NoFileError()

    // preservePath: busboy would otherwise cut 'a/b' down to 'b'; a bad name is refused, never rewritten.
    const files = request.files({ preservePath: true, limits: { fileSize: maxBytes, files: 1, fields: MAX_FIELDS, parts: MAX_FIELDS + 1 } })
    const first = await files.next().catch((err: unknown) => { throw asMultipartError(err) })
    if (first.done === true) throw new NoFileError()
    // A browser sends an empty filename when the form was submitted without choosing a file.
    if (first.value.filename === '') throw new EmptyFileNameError()
    const part = first.value
    part.file.once('limit', () => {
      part.file.destroy(new UploadTooLargeError(`an upload may be at most ${maxBytes} bytes`))
    })
    // The file part ending is not enough: busboy ends a part cut at the size limit as if it were whole,
    // and a request cut off after the part still lacks its end. Only a multipart body parsed to its
    // closing boundary confirms the upload, so nothing else ever lets the peer keep it.
    const confirmWhole = async (): Promise<void> => {
      if (part.file.truncated) throw new UploadTooLargeError(`an upload may be at most ${maxBytes} bytes`)
      const rest = await files.next().catch((err: unknown) => { throw asMultipartError(err) })
      if (rest.done !== true) throw new BadRequestError('an upload carries exactly one file')
    }

    // The central and the peer that stores the file log their part of this upload with its request id.
    const central = { place: async (body: PlacementBody) => await app.central.place(body, { requestId: request.id }) }
    const result = await uploadFile(
      { central, connectPeer: connectWithRequestId(app.connectPeer, request.id), log: request.log, meter: app.transferMeter },
      // The file's chunks are views of the request's body chunks, to which Node's HTTP parser gave buffers of their own.
      { name: part.filename, size: contentLength, sizeIsMaximum: true, source: part.file, confirmWhole, signal: app.transferSignal, chunksReadOnce: true }
    )
    app.invalidateCentralReads()
    const deleteToken = app.settings.deleteTokenFor(result.name, result.sha256)
    if (prefersHtml(request.headers.accept)) {
      // The token rides in the fragment, which a browser never sends to a server: no log sees it.
      const query = `uploaded=${encodeURIComponent(result.name)}&peer=${encodeURIComponent(result.peerId)}`
      return await reply.redirect(`/?${query}#delete-token=${deleteToken}`, 303)
    }
    // The answer says that more copies follow, so nobody takes "stored on one peer" for the whole story.
    const replicationFactor = await app.central.health().then((health) => health.replicationFactor, () => null)
    return await reply.code(201).send({
      name: result.name, size: result.size, sha256: result.sha256, peers: [result.peerId], copies: 1, replicationFactor, deleteToken
    })
  })
}
