// Where the disk store keeps what, inside DATA_DIR. Content is stored once, under its own SHA-256;
// file names live only inside the name index, so no path is ever built from a name a caller chose.
//
//   blobs/<sha256>        the bytes of one distinct content (immutable once there)
//   blobs/<sha256>.meta   its size, mtime and piece hashes (JSON), written before the blob is placed
//   names.json            the name index: { "format": 1, "files": { "<name>": "<sha256>" } }
//   tmp/                  uploads and index writes in progress; emptied at every start
//   files/                only read at start: files of the old one-file-per-name layout (or dropped
//                         in by an operator) are imported into blobs/ and named in the index
//   peer-id               this peer's persisted id
import path from 'node:path'

export const BLOBS_DIR = 'blobs'
export const TMP_DIR = 'tmp'
export const LEGACY_FILES_DIR = 'files'
export const NAME_INDEX_FILE = 'names.json'
export const META_SUFFIX = '.meta'

const SHA256 = /^[0-9a-f]{64}$/

export function isSha256 (text: string): boolean {
  return SHA256.test(text)
}

export interface StoreLayout {
  dataDir: string
  blobsDir: string
  tmpDir: string
  legacyFilesDir: string
  indexFile: string
  blobPath: (sha256: string) => string
  metaPath: (sha256: string) => string
}

export function storeLayout (dataDir: string): StoreLayout {
  const root = path.resolve(dataDir)
  const blobsDir = path.join(root, BLOBS_DIR)
  // The only component taken from outside blobs/ is a digest, checked to be 64 hex digits.
  const checked = (sha256: string): string => {
    if (!isSha256(sha256)) throw new Error(`not a sha256: ${JSON.stringify(sha256)}`)
    return sha256
  }
  return {
    dataDir: root,
    blobsDir,
    tmpDir: path.join(root, TMP_DIR),
    legacyFilesDir: path.join(root, LEGACY_FILES_DIR),
    indexFile: path.join(root, NAME_INDEX_FILE),
    blobPath: (sha256) => path.join(blobsDir, checked(sha256)),
    metaPath: (sha256) => path.join(blobsDir, checked(sha256) + META_SUFFIX)
  }
}
