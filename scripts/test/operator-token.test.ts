// `npm run operator-token` run as an operator runs it: it prints the operator's delete token for the
// CLUSTER_SECRET in its environment (the token the central accepts, proto auth/delete-token.ts), and
// without a usable secret it prints nothing on stdout, says why on stderr and exits with 1.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { operatorDeleteToken } from '@p2p/proto'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const SECRET = 'an-operator-test-cluster-secret-0123456789'

async function run (env: Record<string, string>): Promise<{ code: number, stdout: string, stderr: string }> {
  const { PATH = '', HOME = '' } = process.env
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'operator-token'], { cwd: ROOT, env: { PATH, HOME, ...env }, timeout: 60_000 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const failed = err as { code?: number, stdout?: string, stderr?: string }
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' }
  }
}

describe('npm run operator-token', () => {
  it('prints the operator delete token of CLUSTER_SECRET, and only it', async () => {
    const { code, stdout } = await run({ CLUSTER_SECRET: SECRET })
    expect(code).toBe(0)
    expect(stdout).toBe(`${operatorDeleteToken(SECRET)}\n`)
    expect(stdout).toMatch(/^[0-9a-f]{64}\n$/)
  })

  it.each<{ what: string, env: Record<string, string>, says: RegExp }>([
    { what: 'unset', env: {}, says: /CLUSTER_SECRET: not set/ },
    { what: 'empty', env: { CLUSTER_SECRET: '' }, says: /CLUSTER_SECRET: not set/ },
    { what: 'too short for the services', env: { CLUSTER_SECRET: 'hunter2' }, says: /CLUSTER_SECRET: .*at least 32 characters/ }
  ])('fails clearly when CLUSTER_SECRET is $what', async ({ env, says }) => {
    const { code, stdout, stderr } = await run(env)
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toMatch(says)
    expect(stderr).toContain('npm run operator-token')
  })
})
