// The monitoring profile's Prometheus configuration, checked offline by Prometheus' own promtool: each
// machine's scrape configuration and the alerts it loads are valid, the alerts' unit tests
// (deploy/prometheus/alerts.test.yml) pass, and every alert's description points at the section of
// docs/monitoring.md that says what it means.
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { REPO_ROOT } from '../scripts/lib/service-process.js'
import { assertRequirement, skipWithoutRequirement } from './deployment/requirement.js'
import { promtool, promtoolMissing } from './metrics/promtool.js'

const DIR = `${REPO_ROOT}deploy/prometheus`
const missing = await promtoolMissing()

interface AlertRules { groups: Array<{ rules: Array<{ alert: string, annotations: { description: string } }> }> }

describe.skipIf(skipWithoutRequirement('the monitoring configuration tests', missing))('the monitoring profile\'s configuration', () => {
  it('is valid for every machine, with its alerts', async () => {
    assertRequirement(missing)
    for (const config of ['central.yml', 'central-single.yml', 'peer.yml']) {
      const checked = await promtool(['check', 'config', `${DIR}/${config}`])
      expect(checked.output, config).toContain('SUCCESS')
      expect(checked.ok, checked.output).toBe(true)
    }
  })

  it('fires each alert when, and only when, its unit tests say', async () => {
    const tested = await promtool(['test', 'rules', `${DIR}/alerts.test.yml`])
    expect(tested.ok, tested.output).toBe(true)
  })

  it('explains every alert in docs/monitoring.md', async () => {
    const rules = parse(await readFile(`${DIR}/alerts.yml`, 'utf8')) as AlertRules
    const docs = await readFile(`${REPO_ROOT}docs/monitoring.md`, 'utf8')
    const headings = new Set([...docs.matchAll(/^#{2,4} (.+)$/gm)].map((match) => (match[1] ?? '').toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')))
    const alerts = rules.groups.flatMap((group) => group.rules)
    expect(alerts.length).toBeGreaterThan(0)
    for (const rule of alerts) {
      expect(rule.annotations.description, rule.alert).toContain(`docs/monitoring.md#${rule.alert.toLowerCase()}`)
      expect(headings.has(rule.alert.toLowerCase()), `docs/monitoring.md has no section ${rule.alert}`).toBe(true)
    }
  })
})
