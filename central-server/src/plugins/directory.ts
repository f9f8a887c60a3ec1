// Puts the directory on the instance (app.directory) for the route plugins, and closes its store with the app.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createDirectory } from '../directory/directory.js'
import type { Directory, DirectoryComponents } from '../directory/directory.js'

declare module 'fastify' {
  interface FastifyInstance {
    directory: Directory
  }
}

export type DirectoryPluginOptions = Omit<DirectoryComponents, 'log'>

export const directoryPlugin = fp(async (app: FastifyInstance, options: DirectoryPluginOptions) => {
  app.decorate('directory', createDirectory({ ...options, log: app.log }))
  app.addHook('onClose', async () => { await options.store.close() })
}, { name: 'central-directory', fastify: '5.x' })
