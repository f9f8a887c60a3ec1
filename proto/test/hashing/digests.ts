// What a hashing job must answer, computed directly with node:crypto.
import { createHash } from 'node:crypto'

export function sha256 (data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex')
}

/** The SHA-256 of every `pieceBytes` piece of `data`, 32 raw bytes each, as one buffer. */
export function pieceDigests (data: Buffer, pieceBytes: number): Buffer {
  const pieces: Buffer[] = []
  for (let at = 0; at < data.length; at += pieceBytes) pieces.push(createHash('sha256').update(data.subarray(at, at + pieceBytes)).digest())
  return Buffer.concat(pieces)
}

/** What a job with pieces cut every `pieceBytes` bytes ends with, for `data`. */
export function expectedResult (data: Buffer, pieceBytes: number): { size: number, sha256: string, pieces: Buffer } {
  return { size: data.length, sha256: sha256(data), pieces: pieceDigests(data, pieceBytes) }
}
