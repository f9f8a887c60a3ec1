// Original file: filesharing.proto


export interface FileInfoRequest {
  'name'?: (string);
  'sha256'?: (string);
}

export interface FileInfoRequest__Output {
  'name': (string);
  'sha256': (string);
}
