// Deleting from the page in a real browser (Debian's Chromium), against a real local network started
// here: a file uploaded from this page gets a Delete button, which asks first (cancelling changes
// nothing) and then removes the file from the network; a file shared from anywhere else (the JSON API,
// or another peer's page, which is another origin with storage of its own) gets none.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { FileView } from '@p2p/proto'
import type { Dialog, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { getJson, makeRandomFile, startTestNetwork, storedPathOf, uploadThroughPage } from '../helpers.js'
import type { TestNetwork } from '../helpers.js'
import { describeInChromium, launchChromium } from './chromium.js'
import type { TestBrowser } from './chromium.js'
import { watchPage } from './page-watch.js'

const WAIT_MS = 20_000
const HEARTBEAT_MS = 300

describeInChromium('deleting a file from the peer page in Chromium', () => {
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
  const deleteButton = (page: Page, name: string): Locator => fileRow(page, name).getByRole('button', { name: `Delete ${name} from the network` })
  const listedOnCentral = async (): Promise<string[]> =>
    (await getJson<{ files: FileView[] }>(`${network.central.url}/files`)).files.map((file) => file.name)

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'p2p-browser-delete-'))
    ;[network, browser] = await Promise.all([
      startTestNetwork({ peers: 2, seedDir: null, heartbeatIntervalMs: HEARTBEAT_MS, capacity: () => '8MiB' }),
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

  it('shows a Delete button on a file uploaded from this page, and none on files shared elsewhere', async () => {
    await page1.bringToFront()
    const mine = await makeRandomFile(scratch, 'shared by mistake.bin', 200_000)
    await page1.getByLabel('Choose a file to share').setInputFiles(mine.path)
    await fileRow(page1, 'shared by mistake.bin').waitFor({ timeout: WAIT_MS })
    await deleteButton(page1, 'shared by mistake.bin').waitFor({ timeout: WAIT_MS })

    // Shared by someone else, through peer 2's JSON API: this browser never saw its token.
    const theirs = await makeRandomFile(scratch, 'someone else.bin', 50_000)
    expect((await uploadThroughPage(network.peers[1]!.url, theirs.path, 'someone else.bin')).status).toBe(201)
    await fileRow(page1, 'someone else.bin').waitFor({ timeout: WAIT_MS })
    // The list redrew after the new file came in; the buttons are added in that same redraw.
    await deleteButton(page1, 'shared by mistake.bin').waitFor({ timeout: WAIT_MS })
    expect(await fileRow(page1, 'someone else.bin').getByRole('button', { name: /^Delete / }).count()).toBe(0)

    // Peer 2's page is another origin: it does not hold page 1's tokens, so it offers no Delete at all.
    await page2.bringToFront()
    await fileRow(page2, 'shared by mistake.bin').waitFor({ timeout: WAIT_MS })
    await fileRow(page2, 'someone else.bin').waitFor({ timeout: WAIT_MS })
    expect(await page2.locator('#file-list [data-delete]').count()).toBe(0)
  })

  it('asks first: cancelling the question deletes nothing', async () => {
    await page1.bringToFront()
    const asked: string[] = []
    const dismiss = async (dialog: Dialog): Promise<void> => {
      asked.push(`${dialog.type()}: ${dialog.message()}`)
      await dialog.dismiss()
    }
    page1.once('dialog', (dialog) => { void dismiss(dialog) })
    await deleteButton(page1, 'shared by mistake.bin').click()
    await expect.poll(() => asked.length, { timeout: WAIT_MS }).toBe(1)
    expect(asked[0]).toMatch(/^confirm: Delete "shared by mistake\.bin" from the whole network\?/)
    expect(await listedOnCentral()).toContain('shared by mistake.bin')
    expect(await deleteButton(page1, 'shared by mistake.bin').isEnabled()).toBe(true)
  })

  it('deletes the file with its Delete button: gone from the central, both pages and the holder\'s disk', async () => {
    await page1.bringToFront()
    const holders = network.peers.map((peer) => peer.dataDir)
    expect((await Promise.all(holders.map(async (dir) => await storedPathOf(dir, 'shared by mistake.bin')))).some((found) => found != null)).toBe(true)

    page1.once('dialog', (dialog) => { void dialog.accept() })
    await deleteButton(page1, 'shared by mistake.bin').click()
    await fileRow(page1, 'shared by mistake.bin').waitFor({ state: 'detached', timeout: WAIT_MS })
    expect(await listedOnCentral()).not.toContain('shared by mistake.bin')
    // The other page's list refreshes by itself; the file shared elsewhere stays everywhere.
    await fileRow(page2, 'shared by mistake.bin').waitFor({ state: 'detached', timeout: WAIT_MS })
    expect(await listedOnCentral()).toContain('someone else.bin')
    expect(await fileRow(page1, 'someone else.bin').count()).toBe(1)
    // The token is of no more use: the page forgets it.
    expect(await page1.evaluate<string>('localStorage.getItem("p2p-delete-tokens")')).toBe('{}')
    // Every holder removes its copy within a few heartbeats.
    await expect.poll(async () => await Promise.all(holders.map(async (dir) => await storedPathOf(dir, 'shared by mistake.bin'))), { timeout: WAIT_MS })
      .toEqual([null, null])
    // A download of it is now a clear 410, not a stale copy.
    expect((await fetch(`${network.peers[1]!.url}/download/${encodeURIComponent('shared by mistake.bin')}`)).status).toBe(410)
  })

  it('loaded nothing from outside the peer, and had no script error or unexpected failed request', () => {
    expect(watches.flatMap((watch) => watch.problems)).toEqual([])
  })
})
