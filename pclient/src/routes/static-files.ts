// GET /static/*: the page's stylesheet, scripts and icon, shipped with the client so the page works on
// a network without internet (no CDN).
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

const PUBLIC_DIR = fileURLToPath(new URL('../../public', import.meta.url))

export async function staticFileRoutes (app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/static/',
    // The page needs no other reply.sendFile; keeping the decorator off leaves the name free.
    decorateReply: false,
    // Small files that change with each release: a browser revalidates (ETag) rather than guessing.
    cacheControl: true,
    maxAge: 0
  })
}
