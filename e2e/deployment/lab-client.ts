// A user's computer on the lab network: curl, run in the lab's client namespace, the way the
// deployment guide checks a deployment. Files go to and come from disk, never held in memory.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import type { Lab, LabHost } from './netns-lab.js'

const TRANSFER_TIMEOUT_S = 60
// curl's exit codes for "could not connect" and "timed out".
const CURL_COULD_NOT_CONNECT = 7
const CURL_TIMED_OUT = 28

export interface LabClient {
  /** POST /upload_file/ as a browser form; resolves with the status and the JSON answer. */
  upload: (pageUrl: string, filePath: string, name: string) => Promise<{ status: number, body: unknown }>
  /** GET /download/<name> to `destination`; resolves with the status, size and SHA-256 of what arrived. */
  download: (pageUrl: string, name: string, destination: string) => Promise<{ status: number, bytes: number, sha256: string }>
  getJson: <T>(url: string) => Promise<T>
  /** Whether a TCP connection to the URL's host and port opens at all. */
  canConnect: (url: string) => Promise<boolean>
}

export function labClient (lab: Lab, host: LabHost): LabClient {
  const curl = async (args: string[], timeoutS = TRANSFER_TIMEOUT_S): Promise<{ code: number | null, stdout: string, stderr: string }> =>
    await lab.run(host, ['curl', '-sS', '--max-time', String(timeoutS), ...args], { timeoutMs: (timeoutS + 5) * 1000 })

  const expectCurl = async (args: string[]): Promise<string> => {
    const result = await curl(args)
    if (result.code !== 0) throw new Error(`curl ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim()}`)
    return result.stdout
  }

  return {
    upload: async (pageUrl, filePath, name) => {
      const out = await expectCurl(['-H', 'accept: application/json', '-F', `file=@${filePath};filename=${name}`, '-w', '\n%{http_code}', `${pageUrl}/upload_file/`])
      const at = out.lastIndexOf('\n')
      return { status: Number(out.slice(at + 1)), body: JSON.parse(out.slice(0, at)) as unknown }
    },
    download: async (pageUrl, name, destination) => {
      const status = Number(await expectCurl(['-o', destination, '-w', '%{http_code}', `${pageUrl}/download/${encodeURIComponent(name)}`]))
      const hash = createHash('sha256')
      await pipeline(createReadStream(destination), hash)
      return { status, bytes: (await stat(destination)).size, sha256: hash.digest('hex') }
    },
    getJson: async <T>(url: string): Promise<T> => JSON.parse(await expectCurl(['--fail', url])) as T,
    canConnect: async (url) => {
      const result = await curl(['--connect-timeout', '3', '-o', '/dev/null', url], 5)
      if (result.code === CURL_COULD_NOT_CONNECT || result.code === CURL_TIMED_OUT) return false
      return true
    }
  }
}
