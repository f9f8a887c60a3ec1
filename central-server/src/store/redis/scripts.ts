// The store's Lua scripts, each one atomic step of the DirectoryStore, loaded from central-server/lua/
// (beside src/, so the compiled dist/ finds them at the same relative place) with the library in
// front: the constants the scripts share with the TypeScript, lib.lua (the key layout and small
// questions), bookkeeping.lua (how a change keeps the indexes true) and reads.lua (questions about a
// name). node-redis runs a defined script with EVALSHA and, when Redis answers NOSCRIPT (it restarted,
// or its script cache was flushed), sends it again with EVAL, which also caches it: nothing here has to
// load scripts ahead of time.
import { readFileSync } from 'node:fs'
import { MAX_REPLICATIONS_PER_PEER } from '@p2p/proto/directory'
import { defineScript } from 'redis'
import type { CommandParser, RedisArgument } from 'redis'
import type { NameTaken } from '../directory-store.js'
import type { FileRow, FlatPairs } from './records.js'

function readLua (name: string): string {
  return readFileSync(new URL(`../../../lua/${name}.lua`, import.meta.url), 'utf8')
}

/** What every script starts with. */
export const LUA_LIB = [
  `local MAX_REPLICATIONS_PER_PEER = ${MAX_REPLICATIONS_PER_PEER}`,
  readLua('lib'),
  readLua('bookkeeping'),
  readLua('reads')
].join('\n')

/**
 * A script called with no KEYS and ARGV = [key prefix, ...args]; `Reply` is the shape its Lua returns
 * (the scripts are ours, so their replies are trusted as typed).
 */
function luaScript<Reply> (name: string) {
  return defineScript({
    SCRIPT: `${LUA_LIB}\n${readLua(name)}`,
    NUMBER_OF_KEYS: 0,
    parseCommand (parser: CommandParser, prefix: string, args: readonly RedisArgument[]) {
      parser.push(prefix)
      // One at a time: a registration carries up to 2 x 100,000 arguments, too many to spread into a call.
      for (const arg of args) parser.push(arg)
    },
    transformReply: (reply: unknown) => reply as Reply
  })
}

export const SCRIPTS = {
  putPeer: luaScript<number>('put-peer'),
  updatePeer: luaScript<0 | 1>('update-peer'),
  removePeer: luaScript<0 | 1>('remove-peer'),
  pagePeers: luaScript<FlatPairs[]>('page-peers'),
  roomiestPeers: luaScript<FlatPairs[]>('roomiest-peers'),
  addHolding: luaScript<'added' | 'unknown-peer' | 'deleted' | NameTaken>('add-holding'),
  getFile: luaScript<FileRow | null>('get-file'),
  pageFiles: luaScript<Array<string | FileRow>>('page-files'),
  filesByCopies: luaScript<FileRow[]>('files-by-copies'),
  addReservation: luaScript<number>('add-reservation'),
  removeReservation: luaScript<number>('remove-reservation'),
  peerReservations: luaScript<FlatPairs>('peer-reservations'),
  reserveUpload: luaScript<'reserved' | 'no-room' | NameTaken>('reserve-upload'),
  renewUploadClaims: luaScript<number>('renew-upload-claims'),
  takeCopyOrders: luaScript<FileRow[]>('take-copy-orders'),
  countDirectory: luaScript<number[]>('count-directory'),
  deleteFile: luaScript<'deleted' | 'unknown' | 'changed'>('delete-file'),
  takeDeleteOrders: luaScript<string[]>('take-delete-orders'),
  forgetTombstones: luaScript<number>('forget-tombstones')
}
