import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { DownloadRequest as _filesharing_v1_DownloadRequest, DownloadRequest__Output as _filesharing_v1_DownloadRequest__Output } from './filesharing/v1/DownloadRequest.js';
import type { FileChunk as _filesharing_v1_FileChunk, FileChunk__Output as _filesharing_v1_FileChunk__Output } from './filesharing/v1/FileChunk.js';
import type { FileInfo as _filesharing_v1_FileInfo, FileInfo__Output as _filesharing_v1_FileInfo__Output } from './filesharing/v1/FileInfo.js';
import type { FileInfoRequest as _filesharing_v1_FileInfoRequest, FileInfoRequest__Output as _filesharing_v1_FileInfoRequest__Output } from './filesharing/v1/FileInfoRequest.js';
import type { PeerFilesClient as _filesharing_v1_PeerFilesClient, PeerFilesDefinition as _filesharing_v1_PeerFilesDefinition } from './filesharing/v1/PeerFiles.js';
import type { StatRequest as _filesharing_v1_StatRequest, StatRequest__Output as _filesharing_v1_StatRequest__Output } from './filesharing/v1/StatRequest.js';
import type { StatResponse as _filesharing_v1_StatResponse, StatResponse__Output as _filesharing_v1_StatResponse__Output } from './filesharing/v1/StatResponse.js';
import type { UploadEnd as _filesharing_v1_UploadEnd, UploadEnd__Output as _filesharing_v1_UploadEnd__Output } from './filesharing/v1/UploadEnd.js';
import type { UploadHeader as _filesharing_v1_UploadHeader, UploadHeader__Output as _filesharing_v1_UploadHeader__Output } from './filesharing/v1/UploadHeader.js';
import type { UploadRequest as _filesharing_v1_UploadRequest, UploadRequest__Output as _filesharing_v1_UploadRequest__Output } from './filesharing/v1/UploadRequest.js';
import type { UploadResponse as _filesharing_v1_UploadResponse, UploadResponse__Output as _filesharing_v1_UploadResponse__Output } from './filesharing/v1/UploadResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  filesharing: {
    v1: {
      DownloadRequest: MessageTypeDefinition<_filesharing_v1_DownloadRequest, _filesharing_v1_DownloadRequest__Output>
      FileChunk: MessageTypeDefinition<_filesharing_v1_FileChunk, _filesharing_v1_FileChunk__Output>
      FileInfo: MessageTypeDefinition<_filesharing_v1_FileInfo, _filesharing_v1_FileInfo__Output>
      FileInfoRequest: MessageTypeDefinition<_filesharing_v1_FileInfoRequest, _filesharing_v1_FileInfoRequest__Output>
      PeerFiles: SubtypeConstructor<typeof grpc.Client, _filesharing_v1_PeerFilesClient> & { service: _filesharing_v1_PeerFilesDefinition }
      StatRequest: MessageTypeDefinition<_filesharing_v1_StatRequest, _filesharing_v1_StatRequest__Output>
      StatResponse: MessageTypeDefinition<_filesharing_v1_StatResponse, _filesharing_v1_StatResponse__Output>
      UploadEnd: MessageTypeDefinition<_filesharing_v1_UploadEnd, _filesharing_v1_UploadEnd__Output>
      UploadHeader: MessageTypeDefinition<_filesharing_v1_UploadHeader, _filesharing_v1_UploadHeader__Output>
      UploadRequest: MessageTypeDefinition<_filesharing_v1_UploadRequest, _filesharing_v1_UploadRequest__Output>
      UploadResponse: MessageTypeDefinition<_filesharing_v1_UploadResponse, _filesharing_v1_UploadResponse__Output>
    }
  }
}

