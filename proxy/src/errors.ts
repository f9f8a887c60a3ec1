// The proxy's only error of its own: the upstream could not be reached or failed mid-request.
export const ProxyErrorCode = {
  UpstreamUnreachable: 'PROXY_UPSTREAM_UNREACHABLE'
} as const

export function upstreamErrorBody (): { statusCode: number, error: string, message: string } {
  return {
    statusCode: 502,
    error: ProxyErrorCode.UpstreamUnreachable,
    message: 'the service behind this proxy is not reachable; try again shortly'
  }
}
