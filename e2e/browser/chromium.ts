// Runs the browser tests in Debian's Chromium, driven by playwright-core (which never downloads a
// browser). Outside CI a machine without Chromium skips them with one loud line; in CI (CI=true) a
// missing Chromium fails the run, so the browser tests can never silently stop running.
import { accessSync, constants } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { chromium } from 'playwright-core'
import type { BrowserContext } from 'playwright-core'
import { describe, it } from 'vitest'

/** Debian's package; CHROMIUM_PATH points elsewhere on other systems. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Headless, no sandbox (containers, root), and nothing that reaches for the internet on its own. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

const INSTALL_HINT = 'install it with `sudo apt-get install chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary'

function chromiumProblem (): string | null {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK)
    return null
  } catch {
    return `no Chromium at ${CHROMIUM_PATH}`
  }
}

/**
 * `describe` when Chromium is there. Without it: in CI one failing test says why; elsewhere the suite
 * is skipped and one line on stderr says how to get it.
 */
export function describeInChromium (name: string, suite: () => void): void {
  const problem = chromiumProblem()
  if (problem == null) {
    describe(name, suite)
    return
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs Chromium', () => { throw new Error(`browser tests cannot run in CI: ${problem}; ${INSTALL_HINT}`) })
    })
    return
  }
  process.stderr.write(`\n!!! SKIPPING THE BROWSER TESTS (${name}): ${problem}; ${INSTALL_HINT}. !!!\n\n`)
  describe.skip(name, suite)
}

export interface TestBrowser {
  context: BrowserContext
  close: () => Promise<void>
}

/** Chromium with the flags above and a fresh profile (--user-data-dir) of its own, removed on close. */
export async function launchChromium (): Promise<TestBrowser> {
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'p2p-chromium-'))
  // Playwright passes userDataDir as --user-data-dir (it refuses that flag in args).
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    acceptDownloads: true,
    viewport: { width: 1200, height: 900 }
  })
  return {
    context,
    close: async () => {
      await context.close()
      await rm(userDataDir, { recursive: true, force: true })
    }
  }
}
