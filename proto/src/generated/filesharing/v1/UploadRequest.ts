// Original file: filesharing.proto

import type { UploadHeader as _filesharing_v1_UploadHeader, UploadHeader__Output as _filesharing_v1_UploadHeader__Output } from '../../filesharing/v1/UploadHeader.js';

export interface UploadRequest {
  'header'?: (_filesharing_v1_UploadHeader | null);
  'chunk'?: (Buffer | Uint8Array | string);
  'payload'?: "header"|"chunk";
}

export interface UploadRequest__Output {
  'header'?: (_filesharing_v1_UploadHeader__Output | null);
  'chunk'?: (Buffer);
  'payload'?: "header"|"chunk";
}
