// Public entry for other workspaces' tests (package entry `@p2p/pserver/testing`, used by
// @p2p/test-support to start a real peer in-process): what it takes to build a pserver over a
// temporary DATA_DIR and bind it. Nothing here is new; it only names what outsiders may rely on, so
// they never reach into src/ paths. The service itself never imports this file.
export { bindServer, createPeerServer } from './app.js'
export type { PeerServer, PeerServerComponents } from './app.js'
export type { TicketGate } from './auth/ticket-gate.js'
export { createDiskFileStore } from './store/disk-file-store.js'
export type { DiskFileStoreOptions } from './store/disk-file-store.js'
export type { FileStore, StoredFile } from './store/file-store.js'
/** The folder of DATA_DIR whose files are imported at start: how a test puts files on a peer before it starts. */
export { LEGACY_FILES_DIR } from './store/layout.js'
export type { OpenFile } from './store/upload-session.js'
