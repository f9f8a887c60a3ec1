// Original file: filesharing.proto

import type { Long } from '@grpc/proto-loader';

export interface UploadHeader {
  'name'?: (string);
  'size'?: (number | string | Long);
  'sha256'?: (string);
  'sizeIsMaximum'?: (boolean);
}

export interface UploadHeader__Output {
  'name': (string);
  'size': (number);
  'sha256': (string);
  'sizeIsMaximum': (boolean);
}
