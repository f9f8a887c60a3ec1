// Original file: filesharing.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DownloadRequest as _filesharing_v1_DownloadRequest, DownloadRequest__Output as _filesharing_v1_DownloadRequest__Output } from '../../filesharing/v1/DownloadRequest.js';
import type { FileChunk as _filesharing_v1_FileChunk, FileChunk__Output as _filesharing_v1_FileChunk__Output } from '../../filesharing/v1/FileChunk.js';
import type { FileInfo as _filesharing_v1_FileInfo, FileInfo__Output as _filesharing_v1_FileInfo__Output } from '../../filesharing/v1/FileInfo.js';
import type { FileInfoRequest as _filesharing_v1_FileInfoRequest, FileInfoRequest__Output as _filesharing_v1_FileInfoRequest__Output } from '../../filesharing/v1/FileInfoRequest.js';
import type { StatRequest as _filesharing_v1_StatRequest, StatRequest__Output as _filesharing_v1_StatRequest__Output } from '../../filesharing/v1/StatRequest.js';
import type { StatResponse as _filesharing_v1_StatResponse, StatResponse__Output as _filesharing_v1_StatResponse__Output } from '../../filesharing/v1/StatResponse.js';
import type { UploadRequest as _filesharing_v1_UploadRequest, UploadRequest__Output as _filesharing_v1_UploadRequest__Output } from '../../filesharing/v1/UploadRequest.js';
import type { UploadResponse as _filesharing_v1_UploadResponse, UploadResponse__Output as _filesharing_v1_UploadResponse__Output } from '../../filesharing/v1/UploadResponse.js';

export interface PeerFilesClient extends grpc.Client {
  Download(argument: _filesharing_v1_DownloadRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_filesharing_v1_FileChunk__Output>;
  Download(argument: _filesharing_v1_DownloadRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_filesharing_v1_FileChunk__Output>;
  download(argument: _filesharing_v1_DownloadRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_filesharing_v1_FileChunk__Output>;
  download(argument: _filesharing_v1_DownloadRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_filesharing_v1_FileChunk__Output>;
  
  GetFileInfo(argument: _filesharing_v1_FileInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_filesharing_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  GetFileInfo(argument: _filesharing_v1_FileInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_filesharing_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  GetFileInfo(argument: _filesharing_v1_FileInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_filesharing_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  GetFileInfo(argument: _filesharing_v1_FileInfoRequest, callback: grpc.requestCallback<_filesharing_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  getFileInfo(argument: _filesharing_v1_FileInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_filesharing_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  getFileInfo(argument: _filesharing_v1_FileInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_filesharing_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  getFileInfo(argument: _filesharing_v1_FileInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_filesharing_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  getFileInfo(argument: _filesharing_v1_FileInfoRequest, callback: grpc.requestCallback<_filesharing_v1_FileInfo__Output>): grpc.ClientUnaryCall;
  
  Stat(argument: _filesharing_v1_StatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_filesharing_v1_StatResponse__Output>): grpc.ClientUnaryCall;
  Stat(argument: _filesharing_v1_StatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_filesharing_v1_StatResponse__Output>): grpc.ClientUnaryCall;
  Stat(argument: _filesharing_v1_StatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_filesharing_v1_StatResponse__Output>): grpc.ClientUnaryCall;
  Stat(argument: _filesharing_v1_StatRequest, callback: grpc.requestCallback<_filesharing_v1_StatResponse__Output>): grpc.ClientUnaryCall;
  stat(argument: _filesharing_v1_StatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_filesharing_v1_StatResponse__Output>): grpc.ClientUnaryCall;
  stat(argument: _filesharing_v1_StatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_filesharing_v1_StatResponse__Output>): grpc.ClientUnaryCall;
  stat(argument: _filesharing_v1_StatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_filesharing_v1_StatResponse__Output>): grpc.ClientUnaryCall;
  stat(argument: _filesharing_v1_StatRequest, callback: grpc.requestCallback<_filesharing_v1_StatResponse__Output>): grpc.ClientUnaryCall;
  
  Upload(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_filesharing_v1_UploadResponse__Output>): grpc.ClientWritableStream<_filesharing_v1_UploadRequest>;
  Upload(metadata: grpc.Metadata, callback: grpc.requestCallback<_filesharing_v1_UploadResponse__Output>): grpc.ClientWritableStream<_filesharing_v1_UploadRequest>;
  Upload(options: grpc.CallOptions, callback: grpc.requestCallback<_filesharing_v1_UploadResponse__Output>): grpc.ClientWritableStream<_filesharing_v1_UploadRequest>;
  Upload(callback: grpc.requestCallback<_filesharing_v1_UploadResponse__Output>): grpc.ClientWritableStream<_filesharing_v1_UploadRequest>;
  upload(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_filesharing_v1_UploadResponse__Output>): grpc.ClientWritableStream<_filesharing_v1_UploadRequest>;
  upload(metadata: grpc.Metadata, callback: grpc.requestCallback<_filesharing_v1_UploadResponse__Output>): grpc.ClientWritableStream<_filesharing_v1_UploadRequest>;
  upload(options: grpc.CallOptions, callback: grpc.requestCallback<_filesharing_v1_UploadResponse__Output>): grpc.ClientWritableStream<_filesharing_v1_UploadRequest>;
  upload(callback: grpc.requestCallback<_filesharing_v1_UploadResponse__Output>): grpc.ClientWritableStream<_filesharing_v1_UploadRequest>;
  
}

export interface PeerFilesHandlers extends grpc.UntypedServiceImplementation {
  Download: grpc.handleServerStreamingCall<_filesharing_v1_DownloadRequest__Output, _filesharing_v1_FileChunk>;
  
  GetFileInfo: grpc.handleUnaryCall<_filesharing_v1_FileInfoRequest__Output, _filesharing_v1_FileInfo>;
  
  Stat: grpc.handleUnaryCall<_filesharing_v1_StatRequest__Output, _filesharing_v1_StatResponse>;
  
  Upload: grpc.handleClientStreamingCall<_filesharing_v1_UploadRequest__Output, _filesharing_v1_UploadResponse>;
  
}

export interface PeerFilesDefinition extends grpc.ServiceDefinition {
  Download: MethodDefinition<_filesharing_v1_DownloadRequest, _filesharing_v1_FileChunk, _filesharing_v1_DownloadRequest__Output, _filesharing_v1_FileChunk__Output>
  GetFileInfo: MethodDefinition<_filesharing_v1_FileInfoRequest, _filesharing_v1_FileInfo, _filesharing_v1_FileInfoRequest__Output, _filesharing_v1_FileInfo__Output>
  Stat: MethodDefinition<_filesharing_v1_StatRequest, _filesharing_v1_StatResponse, _filesharing_v1_StatRequest__Output, _filesharing_v1_StatResponse__Output>
  Upload: MethodDefinition<_filesharing_v1_UploadRequest, _filesharing_v1_UploadResponse, _filesharing_v1_UploadRequest__Output, _filesharing_v1_UploadResponse__Output>
}
