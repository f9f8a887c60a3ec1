// Original file: filesharing.proto

import type { Long } from '@grpc/proto-loader';

export interface UploadResponse {
  'name'?: (string);
  'size'?: (number | string | Long);
  'sha256'?: (string);
  'peerId'?: (string);
}

export interface UploadResponse__Output {
  'name': (string);
  'size': (number);
  'sha256': (string);
  'peerId': (string);
}
