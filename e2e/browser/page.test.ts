// The peer's web page in a real browser (Debian's Chromium), against a real local network started here:
// upload with the file chooser and watch the progress, see the file on the other peer's page, download
// it, a name with URL-special characters, an upload that fits nowhere, the filter and the sorting,
// dropped files, the plain form without JavaScript, a phone-width screen and the keyboard. Screenshots of each state go to
// e2e/browser/screenshots/.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { PIECE_BYTES } from '@p2p/proto'
import type { Locator, Page, Request } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { makeRandomFile, sha256OfFile, startTestNetwork } from '../helpers.js'
import type { TestNetwork } from '../helpers.js'
import { describeInChromium, launchChromium } from './chromium.js'
import type { TestBrowser } from './chromium.js'
import { watchPage } from './page-watch.js'
import { resetScreenshots, screenshot } from './screenshots.js'

const MiB = 1024 * 1024
/** The page's upload: four pieces of 1 MiB (the last one short), 3.0 MiB as the page writes it. */
const HOLIDAY_BYTES = 3 * MiB + 12_345
const WAIT_MS = 20_000
/** Slow enough that the progress bar is seen between 0 and 100%, fast enough to keep the test short. */
const THROTTLED_UPLOAD_BYTES_PER_S = 2 * MiB
/** 'tag#id accessible-name' of the focused element, '' when focus left the page (run in the page). */
const DESCRIBE_FOCUS = `(() => {
  const element = document.activeElement
  if (element == null || element === document.body) return ''
  const label = element.getAttribute('aria-label') ?? element.textContent.trim()
  return (element.tagName.toLowerCase() + (element.id !== '' ? '#' + element.id : '') + ' ' + label).trim()
})()`

describeInChromium('the peer page in Chromium', () => {
  let network: TestNetwork
  let browser: TestBrowser
  let scratch: string
  let page1: Page
  let page2: Page
  const watches: Array<{ problems: string[] }> = []

  const openPage = async (peer: TestNetwork['peers'][number]): Promise<Page> => {
    const page = await browser.context.newPage()
    watches.push(watchPage(page, new URL(peer.url).origin))
    await page.goto(peer.url)
    return page
  }
  const fileRow = (page: Page, name: string): Locator => page.locator('#file-list tr[data-name]').filter({ has: page.getByText(name, { exact: true }) })
  const uploadRow = (page: Page, name: string): Locator => page.locator('.upload-item').filter({ has: page.getByText(name, { exact: true }) })
  const listedNames = async (page: Page): Promise<string[]> =>
    await page.locator('#file-list tr[data-name]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-name') ?? ''))
  /** Waits until the list shows `count` files (it redraws as the filter is typed). */
  const waitForRows = async (page: Page, count: number): Promise<void> => {
    await expect.poll(async () => await page.locator('#file-list tr[data-name]').count(), { timeout: WAIT_MS }).toBe(count)
  }

  /** Clicks the row's Download button and returns the saved file's name and SHA-256. */
  const download = async (page: Page, name: string): Promise<{ name: string, sha256: string }> => {
    const [started] = await Promise.all([
      page.waitForEvent('download'),
      fileRow(page, name).getByRole('link', { name: `Download ${name}`, exact: false }).click()
    ])
    expect(new URL(started.url()).pathname).toBe(`/download/${encodeURIComponent(name)}`)
    const saved = await started.path()
    return { name: started.suggestedFilename(), sha256: await sha256OfFile(saved) }
  }

  beforeAll(async () => {
    await resetScreenshots()
    scratch = await mkdtemp(path.join(os.tmpdir(), 'p2p-browser-'))
    // No seed files, so the page starts empty; 8 MiB per peer, so a 20 MiB file fits nowhere.
    ;[network, browser] = await Promise.all([
      startTestNetwork({ peers: 2, seedDir: null, heartbeatIntervalMs: 500, capacity: () => '8MiB' }),
      launchChromium()
    ])
    page1 = await openPage(network.peers[0]!)
    page2 = await openPage(network.peers[1]!)
  })

  afterAll(async () => {
    await browser?.close()
    await network?.teardown()
    if (scratch != null) await rm(scratch, { recursive: true, force: true })
  })

  it('starts on an empty network with a page that explains what to do', async () => {
    await page1.getByText('No files on the network yet.').waitFor()
    await page1.locator('#network tr[data-peer="peer-2"]').waitFor()
    expect(await page1.locator('#central-status').textContent()).toContain('online')
    await screenshot(page1, '01-empty-network')
  })

  it('uploads through peer 1 with the file chooser: the progress bar reaches 100% and the message names the peer', async () => {
    await page1.bringToFront()
    const source = await makeRandomFile(scratch, 'holiday video.bin', HOLIDAY_BYTES)
    // Throttled, so the bar is seen on its way up (loopback would finish before the first look).
    const cdp = await browser.context.newCDPSession(page1)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: THROTTLED_UPLOAD_BYTES_PER_S })

    const [chooser] = await Promise.all([page1.waitForEvent('filechooser'), page1.getByLabel('Choose a file to share').click()])
    expect(chooser.isMultiple()).toBe(true)
    await chooser.setFiles(source.path)

    const row = uploadRow(page1, 'holiday video.bin')
    const bar = row.locator('progress')
    const seen = new Set<number>()
    let midwayShot = false
    const deadline = Date.now() + WAIT_MS
    while (Date.now() < deadline) {
      // The script sets the bar's value property, which the value attribute reflects.
      const value = Number(await bar.getAttribute('value'))
      seen.add(value)
      if (value > 20 && value < 80 && !midwayShot) {
        midwayShot = true
        expect(await row.locator('.upload-status').textContent()).toMatch(/\d+% · .* of 3\.0 MiB · .*\/s · .* left/)
        await screenshot(page1, '02-upload-in-progress')
      }
      if (value === 100) break
      await page1.waitForTimeout(50)
    }
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })
    await cdp.detach()

    expect(Math.max(...seen)).toBe(100)
    expect([...seen].some((value) => value > 0 && value < 100)).toBe(true)
    // The speed and time left were seen mid-way, not only hoped for: 3 MiB at 2 MiB/s takes 1.5 s,
    // sampled every 50 ms.
    expect(midwayShot).toBe(true)
    await row.locator('.upload-status', { hasText: /^Uploaded 3\.0 MiB, stored on peer-[12]\. 1 more copy follows on another peer\.$/ }).waitFor({ timeout: WAIT_MS })
    expect(await row.getAttribute('data-state')).toBe('done')
    // The list shows it without a reload, with its size and how many copies exist.
    await fileRow(page1, 'holiday video.bin').waitFor({ timeout: WAIT_MS })
    expect(await fileRow(page1, 'holiday video.bin').locator('.col-size').textContent()).toContain('3.0 MiB')
    await screenshot(page1, '03-upload-done')
  })

  it("shows the file on peer 2's page without a reload, and downloads the same bytes there", async () => {
    // Peer 2's page was opened before the upload: its list refreshes by itself.
    await page2.bringToFront()
    await fileRow(page2, 'holiday video.bin').waitFor({ timeout: WAIT_MS })
    const source = path.join(scratch, 'holiday video.bin')
    const saved = await download(page2, 'holiday video.bin')
    expect(saved).toEqual({ name: 'holiday video.bin', sha256: await sha256OfFile(source) })
    // The downloads panel shows it, with the peers its pieces came from.
    const entry = page2.locator('#downloads .download-item').filter({ hasText: 'holiday video.bin' })
    await entry.locator('.download-sources li').first().waitFor({ timeout: WAIT_MS })
    // Every piece came from some holder (the page's own peer alone, unless it was slow), counted once,
    // once the panel caught up with the finished download; a line in another form never adds up.
    const piecesShown = async (): Promise<number | null> => {
      const lines = (await entry.locator('.download-sources li').allTextContents()).map((line) => /^from peer-[12]: (\d+) pieces?, [\d.]+ [KM]iB \(done\)$/.exec(line))
      return lines.some((match) => match == null) ? null : lines.reduce((sum, match) => sum + Number(match![1]), 0)
    }
    await expect.poll(piecesShown, { timeout: WAIT_MS }).toBe(Math.ceil(HOLIDAY_BYTES / PIECE_BYTES))
    // Replication brings a second copy; the page shows both holders once it is there.
    await fileRow(page2, 'holiday video.bin').locator('.copies', { hasText: '2' }).waitFor({ timeout: WAIT_MS })
    expect(await fileRow(page2, 'holiday video.bin').locator('.holders').textContent()).toMatch(/peer-1.*peer-2|peer-2.*peer-1/)
    await screenshot(page2, '04-peer-2-list')
  })

  it('uploads, lists and downloads a name with #, ? and %', async () => {
    const name = 'a #1 ?%.txt'
    const source = await makeRandomFile(scratch, name, 5000)
    await page1.getByLabel('Choose a file to share').setInputFiles(source.path)
    await uploadRow(page1, name).locator('.upload-status', { hasText: /stored on peer-/ }).waitFor({ timeout: WAIT_MS })

    await fileRow(page2, name).waitFor({ timeout: WAIT_MS })
    expect(await fileRow(page2, name).getByRole('link').getAttribute('href')).toBe(`/download/${encodeURIComponent(name)}`)
    // Chromium saves '?' as '_' (Windows forbids it in file names); the server sent the exact name.
    expect(await download(page2, name)).toEqual({ name: 'a #1 _%.txt', sha256: source.sha256 })
  })

  it('shows a clear error, without leaving the page, for an upload that fits nowhere and for a name not allowed', async () => {
    const big = await makeRandomFile(scratch, 'too big.bin', 20 * MiB)
    const sent: string[] = []
    const onRequest = (request: Request): void => { if (request.method() === 'POST') sent.push(request.url()) }
    page1.on('request', onRequest)
    await page1.getByLabel('Choose a file to share').setInputFiles(big.path)
    const status = uploadRow(page1, 'too big.bin').locator('.upload-status')
    await status.filter({ hasText: /^No room on the network: no peer has 20\.0 MiB free/ }).waitFor({ timeout: WAIT_MS })
    expect(await uploadRow(page1, 'too big.bin').getAttribute('data-state')).toBe('failed')
    await uploadRow(page1, 'too big.bin').getByRole('button', { name: 'Try uploading too big.bin again' }).waitFor()

    // A right-to-left override would make this name read as 'rtlexe.txt'.
    const disguised = 'rtl\u202Etxt.exe'
    await page1.getByLabel('Choose a file to share').setInputFiles({ name: disguised, mimeType: 'text/plain', buffer: Buffer.from('hello') })
    await uploadRow(page1, disguised).locator('.upload-status', { hasText: /^Name not allowed: .*invisible format characters/ }).waitFor({ timeout: WAIT_MS })

    page1.off('request', onRequest)
    // Both were refused before a byte of them was sent.
    expect(sent).toEqual([])
    expect(new URL(page1.url()).pathname).toBe('/')
    expect(await fileRow(page1, 'too big.bin').count()).toBe(0)
    await screenshot(page1, '05-upload-errors')
  })

  it('filters the list as one types, and sorts it by name, size and date', async () => {
    await page1.bringToFront()
    await fileRow(page1, 'a #1 ?%.txt').waitFor({ timeout: WAIT_MS })
    expect(await listedNames(page1)).toEqual(['a #1 ?%.txt', 'holiday video.bin'])

    await page1.getByLabel('Filter by name').fill('holiday')
    await waitForRows(page1, 1)
    expect(await listedNames(page1)).toEqual(['holiday video.bin'])
    expect(await page1.locator('#file-count').textContent()).toContain('1 of 2 files match “holiday”')
    expect(new URL(page1.url()).searchParams.get('q')).toBe('holiday')
    await screenshot(page1, '06-filtered')

    await page1.getByLabel('Filter by name').fill('nothing like this')
    await page1.getByText('No file name contains “nothing like this”.').waitFor()
    await page1.getByRole('link', { name: 'Show all files' }).click()
    await waitForRows(page1, 2)
    expect(await page1.getByLabel('Filter by name').inputValue()).toBe('')

    const sizes = async (): Promise<number[]> => await page1.locator('#file-list tr[data-name]').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-size'))))
    const sortBy = async (label: string, order: 'ascending' | 'descending'): Promise<void> => {
      await page1.locator('#file-list th a', { hasText: label }).click()
      await page1.locator(`#file-list th[aria-sort="${order}"]`, { hasText: label }).waitFor()
    }
    await sortBy('Size', 'descending')
    expect(await sizes()).toEqual([HOLIDAY_BYTES, 5000])
    await sortBy('Size', 'ascending')
    expect(await sizes()).toEqual([5000, HOLIDAY_BYTES])
    await sortBy('Name', 'ascending')
    expect(await listedNames(page1)).toEqual(['a #1 ?%.txt', 'holiday video.bin'])
    await sortBy('Added', 'descending')
    expect(await listedNames(page1)).toEqual(['a #1 ?%.txt', 'holiday video.bin'])
    // The address keeps the order: a reload shows the same list.
    await page1.reload()
    expect(await page1.locator('#file-list th[aria-sort="descending"]').textContent()).toContain('Added')
  })

  it('uploads several files dropped on the page at once, each with its own row', async () => {
    await page1.bringToFront()
    // Made in the page, as a drag from the desktop would bring them.
    const dataTransfer = await page1.evaluateHandle(`(() => {
      const transfer = new DataTransfer()
      transfer.items.add(new File(['the first dropped file'], 'dropped one.txt', { type: 'text/plain' }))
      transfer.items.add(new File(['the second'], 'dropped two.txt', { type: 'text/plain' }))
      return transfer
    })()`)
    await page1.dispatchEvent('body', 'dragenter', { dataTransfer })
    expect(await page1.locator('#drop-zone').getAttribute('class')).toContain('dragging')
    await screenshot(page1, '07-dragging-files')
    await page1.dispatchEvent('body', 'drop', { dataTransfer })
    expect(await page1.locator('#drop-zone').getAttribute('class')).not.toContain('dragging')
    for (const name of ['dropped one.txt', 'dropped two.txt']) {
      await uploadRow(page1, name).locator('.upload-status', { hasText: /stored on peer-/ }).waitFor({ timeout: WAIT_MS })
      await fileRow(page1, name).waitFor({ timeout: WAIT_MS })
    }
  })

  it('works without JavaScript: the plain form uploads and comes back with a message', async () => {
    const page = await browser.context.newPage()
    watches.push(watchPage(page, new URL(network.peers[1]!.url).origin))
    const cdp = await browser.context.newCDPSession(page)
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true })
    await page.goto(network.peers[1]!.url)
    expect(await page.locator('html').getAttribute('class')).toBeNull()

    const source = await makeRandomFile(scratch, 'plain form.txt', 2048)
    await page.getByLabel('Choose a file to share').setInputFiles(source.path)
    await Promise.all([page.waitForURL(/\/\?uploaded=/), page.getByRole('button', { name: 'Upload' }).click()])
    const notice = page.getByRole('status').filter({ hasText: /^Uploaded plain form\.txt to peer-[12]$/ })
    await notice.waitFor()
    await fileRow(page, 'plain form.txt').waitFor()
    await screenshot(page, '08-no-javascript')

    // The filter and the sort links are plain links and a GET form.
    await page.getByLabel('Filter by name').fill('plain')
    await Promise.all([page.waitForURL(/q=plain/), page.getByRole('button', { name: 'Filter' }).click()])
    expect(await listedNames(page)).toEqual(['plain form.txt'])
    await page.close()
  })

  it('reads well at phone width and can be used with the keyboard alone', async () => {
    await page1.setViewportSize({ width: 390, height: 844 })
    await page1.goto(network.peers[0]!.url)
    // A string, as it runs in the page (this project type-checks without the DOM library).
    const overflow = await page1.evaluate('document.documentElement.scrollWidth - window.innerWidth')
    expect(overflow).toBeLessThanOrEqual(0)
    await screenshot(page1, '09-phone')
    await page1.emulateMedia({ colorScheme: 'dark' })
    await screenshot(page1, '09-phone-dark')
    await page1.emulateMedia({ colorScheme: 'light' })

    // Tab from the top: the skip link, the sections, the file chooser, the filter, the sort links, a download.
    const reached: string[] = []
    for (let i = 0; i < 16; i += 1) {
      await page1.keyboard.press('Tab')
      reached.push(await page1.evaluate<string>(DESCRIBE_FOCUS))
    }
    expect(reached[0]).toBe('a Skip to the files')
    expect(reached).toContain('input#upload-file')
    expect(reached).toContain('input#filter')
    expect(reached.some((entry) => /^a Name/.test(entry))).toBe(true)
    expect(reached.some((entry) => entry.startsWith('a Download '))).toBe(true)
    await page1.setViewportSize({ width: 1200, height: 900 })
  })

  it('says so when the central directory is down, and keeps the page usable', async () => {
    await network.central.server.stop()
    await page1.reload()
    await page1.locator('#central-unreachable').waitFor()
    await page1.getByText('Central directory offline').waitFor()
    await screenshot(page1, '10-central-offline')
  })

  it('loaded nothing from outside the peer, and had no script error or unexpected failed request', () => {
    expect(watches.flatMap((watch) => watch.problems)).toEqual([])
  })
})
