// Original file: filesharing.proto

import type { Long } from '@grpc/proto-loader';

export interface StatResponse {
  'peerId'?: (string);
  'capacityBytes'?: (number | string | Long);
  'freeBytes'?: (number | string | Long);
  'fileCount'?: (number);
  'activeTransfers'?: (number);
}

export interface StatResponse__Output {
  'peerId': (string);
  'capacityBytes': (number);
  'freeBytes': (number);
  'fileCount': (number);
  'activeTransfers': (number);
}
