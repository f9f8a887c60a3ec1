// GET /api/downloads: this peer's downloads in progress and the last few finished, each with the
// holders its pieces came from, so the page can show where the bytes are coming from.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'

const sourceSchema = z.object({
  peerId: z.string(),
  pieces: z.number().int(),
  bytes: z.number().int(),
  state: z.enum(['active', 'done', 'failed']),
  reason: z.string().optional()
})

const downloadSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  size: z.number().int(),
  bytesSent: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  state: z.enum(['active', 'done', 'failed']),
  error: z.string().optional(),
  errorCode: z.string().optional(),
  sources: z.array(sourceSchema)
})

export const downloadProgressResponseSchema = z.object({ downloads: z.array(downloadSchema) })

export const downloadProgressRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/downloads', {
    schema: { response: { 200: downloadProgressResponseSchema } }
  }, async (_request, reply) => {
    void reply.header('cache-control', 'no-store')
    return { downloads: app.downloads.list() }
  })
}
