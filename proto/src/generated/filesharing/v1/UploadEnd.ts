// Original file: filesharing.proto

import type { Long } from '@grpc/proto-loader';

export interface UploadEnd {
  'size'?: (number | string | Long);
  'sha256'?: (string);
}

export interface UploadEnd__Output {
  'size': (number);
  'sha256': (string);
}
