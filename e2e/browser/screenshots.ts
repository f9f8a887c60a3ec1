// Screenshots of the page's main states, saved by every run so a person can look at them:
// e2e/browser/screenshots/ (git-ignored), emptied at the start of each run.
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'

export const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url))

export async function resetScreenshots (): Promise<void> {
  await rm(SCREENSHOT_DIR, { recursive: true, force: true })
  await mkdir(SCREENSHOT_DIR, { recursive: true })
}

/** Saves the whole page as screenshots/<name>.png. */
export async function screenshot (page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true })
}
