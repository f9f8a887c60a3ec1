// Original file: filesharing.proto

import type { Long } from '@grpc/proto-loader';

export interface DownloadRequest {
  'name'?: (string);
  'sha256'?: (string);
  'offset'?: (number | string | Long);
  'length'?: (number | string | Long);
}

export interface DownloadRequest__Output {
  'name': (string);
  'sha256': (string);
  'offset': (number);
  'length': (number);
}
