// Original file: filesharing.proto


export interface StatRequest {
}

export interface StatRequest__Output {
}
