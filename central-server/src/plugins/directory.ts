// Puts the directory on the instance (app.directory) for the route plugins, built over one shared context
// with the app's logger, and closes its store with the app.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createDirectoryContext } from '../directory/context.js'
import type { DirectoryContextOptions } from '../directory/context.js'
import { createDirectory } from '../directory/index.js'
import type { Directory } from '../directory/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    directory: Directory
  }
}

export type DirectoryPluginOptions = Omit<DirectoryContextOptions, 'log'>

export const directoryPlugin = fp(async (app: FastifyInstance, options: DirectoryPluginOptions) => {
  app.decorate('directory', createDirectory(createDirectoryContext({ ...options, log: app.log })))
  app.addHook('onClose', async () => { await options.store.close() })
}, { name: 'central-directory', fastify: '5.x' })
