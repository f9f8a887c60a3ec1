// Original file: filesharing.proto


export interface FileChunk {
  'data'?: (Buffer | Uint8Array | string);
}

export interface FileChunk__Output {
  'data': (Buffer);
}
