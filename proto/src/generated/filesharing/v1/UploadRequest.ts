// Original file: filesharing.proto

import type { UploadHeader as _filesharing_v1_UploadHeader, UploadHeader__Output as _filesharing_v1_UploadHeader__Output } from '../../filesharing/v1/UploadHeader.js';
import type { UploadEnd as _filesharing_v1_UploadEnd, UploadEnd__Output as _filesharing_v1_UploadEnd__Output } from '../../filesharing/v1/UploadEnd.js';

export interface UploadRequest {
  'header'?: (_filesharing_v1_UploadHeader | null);
  'chunk'?: (Buffer | Uint8Array | string);
  'end'?: (_filesharing_v1_UploadEnd | null);
  'payload'?: "header"|"chunk"|"end";
}

export interface UploadRequest__Output {
  'header'?: (_filesharing_v1_UploadHeader__Output | null);
  'chunk'?: (Buffer);
  'end'?: (_filesharing_v1_UploadEnd__Output | null);
  'payload'?: "header"|"chunk"|"end";
}
