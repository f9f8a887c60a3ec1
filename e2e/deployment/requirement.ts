// The deployment tests need what a developer's machine may lack: docker-compose, and for the
// multi-machine test root and `ip netns`. Outside CI a missing one skips the tests with one loud
// line; in CI (CI=true, which .ci/run sets after installing them) nothing is skipped, so a missing
// one fails the tests instead.

/** True when the tests should be skipped; `missing` is what is missing, or null. */
export function skipWithoutRequirement (tests: string, missing: string | null): boolean {
  if (missing == null || process.env.CI === 'true') return false
  process.stderr.write(`\n!!! SKIPPED ${tests}: ${missing}\n\n`)
  return true
}

/** Fails (in CI) when a requirement is missing. */
export function assertRequirement (missing: string | null): void {
  if (missing != null) throw new Error(`cannot run in CI: ${missing}`)
}
