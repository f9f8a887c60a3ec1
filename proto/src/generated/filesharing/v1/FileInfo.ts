// Original file: filesharing.proto

import type { Long } from '@grpc/proto-loader';

export interface FileInfo {
  'name'?: (string);
  'size'?: (number | string | Long);
  'sha256'?: (string);
  'pieceSize'?: (number);
  'pieceSha256'?: (Buffer | Uint8Array | string)[];
}

export interface FileInfo__Output {
  'name': (string);
  'size': (number);
  'sha256': (string);
  'pieceSize': (number);
  'pieceSha256': (Buffer)[];
}
