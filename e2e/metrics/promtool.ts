// Prometheus' own tool, where installed (Debian's `prometheus` package; .ci/run installs it): it checks
// an exposition against the format and Prometheus' naming conventions, and the scrape and alerting
// configuration under deploy/prometheus/.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

/** What is missing to run promtool, or null when it is there. */
export async function promtoolMissing (): Promise<string | null> {
  return await execFileAsync('promtool', ['--version'], { timeout: 10_000 })
    .then(() => null, () => 'promtool is not installed (apt-get install prometheus)')
}

export interface PromtoolResult {
  ok: boolean
  /** What promtool printed: its complaints, when not ok. */
  output: string
}

/** Runs promtool with `args`, `input` on its standard input. */
export async function promtool (args: string[], input?: string): Promise<PromtoolResult> {
  return await new Promise((resolve) => {
    const child = execFile('promtool', args, { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ ok: err == null, output: `${stdout}${stderr}`.trim() })
    })
    child.stdin?.end(input ?? '')
  })
}
