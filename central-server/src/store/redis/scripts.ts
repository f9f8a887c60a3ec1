// The store's Lua scripts, each one atomic step of the DirectoryStore, loaded from lua/ with lib.lua
// (the key layout and shared questions) in front. node-redis runs a defined script with EVALSHA and,
// when Redis answers NOSCRIPT (it restarted, or its script cache was flushed), sends it again with EVAL,
// which also caches it: nothing here has to load scripts ahead of time.
import { readFileSync } from 'node:fs'
import { defineScript } from 'redis'
import type { CommandParser, RedisArgument } from 'redis'
import type { FlatPairs } from './records.js'

function readLua (name: string): string {
  return readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8')
}

/** lib.lua, as every script starts. */
export const LUA_LIB = readLua('lib')

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
  listPeers: luaScript<FlatPairs[]>('list-peers'),
  addHolding: luaScript<'added' | 'unknown-peer' | 'name-uploading' | 'name-held'>('add-holding'),
  listHoldings: luaScript<string[]>('list-holdings'),
  addReservation: luaScript<number>('add-reservation'),
  removeReservation: luaScript<number>('remove-reservation'),
  reserveUpload: luaScript<'reserved' | 'no-room' | 'name-uploading' | 'name-held'>('reserve-upload'),
  renewUploadClaims: luaScript<number>('renew-upload-claims'),
  listReservations: luaScript<FlatPairs[]>('list-reservations')
}
