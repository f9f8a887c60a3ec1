// The compose files and the Dockerfile, read as Docker reads them: both files pass
// `docker-compose config` with .env.example filled in, .env.example documents exactly their
// variables, every variable a service is given is one its config reads (with a value it accepts),
// only the ports that must be public are published and on the ports the services listen on, and
// every image runs its service as multi-host.test.ts runs it.
import { randomBytes } from 'node:crypto'
import { access, mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../scripts/lib/service-process.js'
import type { ServiceName } from '../scripts/lib/service-process.js'
import {
  CENTRAL_COMPOSE_FILE, ComposeConfigError, PEER_COMPOSE_FILE, composeAvailable, composeVariables, readComposeConfig, readEnvFile, writeEnvFile
} from './deployment/compose-config.js'
import type { ComposeProject } from './deployment/compose-config.js'
import { readDockerfile } from './deployment/dockerfile.js'
import { packagesImportedBy } from './deployment/runtime-imports.js'
import type { DockerStage } from './deployment/dockerfile.js'
import { planMachine } from './deployment/machine-plan.js'
import type { MachinePlan } from './deployment/machine-plan.js'
import { assertRequirement, skipWithoutRequirement } from './deployment/requirement.js'

const ENV_EXAMPLE = `${REPO_ROOT}.env.example`
/** What an operator writes into the blanks of .env.example that must be filled. */
const OPERATOR_VALUES = {
  CLUSTER_SECRET: randomBytes(32).toString('hex'),
  CENTRAL_HOST: '10.0.1.10',
  PUBLIC_HOST: '10.0.1.21'
}

const missing = await composeAvailable() ? null : 'docker-compose is not installed (apt-get install docker-compose)'

describe.skipIf(skipWithoutRequirement('the compose file tests', missing))('the compose files and the Dockerfile', () => {
  let dir: string
  let example: Record<string, string>
  let stages: Map<string, DockerStage>
  const machines: Array<{ file: string, project: ComposeProject, plan: MachinePlan }> = []

  /** .env.example with the operator's values filled in (and `changes` applied). */
  const envFile = async (name: string, changes: Record<string, string> = {}): Promise<string> => {
    const file = path.join(dir, name)
    await writeEnvFile(file, { ...example, ...OPERATOR_VALUES, ...changes })
    return file
  }

  beforeAll(async () => {
    assertRequirement(missing)
    dir = await mkdtemp(path.join(os.tmpdir(), 'p2p-compose-'))
    example = await readEnvFile(ENV_EXAMPLE)
    stages = await readDockerfile()
    const env = await envFile('filled.env')
    for (const file of [CENTRAL_COMPOSE_FILE, PEER_COMPOSE_FILE]) {
      const project = await readComposeConfig(file, env)
      machines.push({ file, project, plan: planMachine(project, stages, path.join(dir, 'volumes')) })
    }
  })

  afterAll(async () => {
    if (dir != null) await rm(dir, { recursive: true, force: true })
  })

  const machine = (file: string): { project: ComposeProject, plan: MachinePlan } => {
    const found = machines.find((entry) => entry.file === file)
    if (found == null) throw new Error(`${file} was not read`)
    return found
  }
  const serviceOf = (file: string, workspace: ServiceName): MachinePlan['services'][number] => {
    const found = machine(file).plan.services.find((service) => service.workspace === workspace)
    if (found == null) throw new Error(`${file} has no ${workspace} service`)
    return found
  }

  it('pass docker-compose config with .env.example filled in: a central machine and a peer machine', () => {
    expect(machine(CENTRAL_COMPOSE_FILE).project.services.map((service) => service.buildTarget).sort()).toEqual(['central-server', 'proxy'])
    expect(machine(PEER_COMPOSE_FILE).project.services.map((service) => service.buildTarget).sort()).toEqual(['pclient', 'proxy', 'pserver'])
  })

  it('.env.example documents exactly the variables the compose files use', async () => {
    const used = new Set([...await composeVariables(CENTRAL_COMPOSE_FILE), ...await composeVariables(PEER_COMPOSE_FILE)])
    expect(Object.keys(example).sort()).toEqual([...used].sort())
  })

  it('refuse to start without the secret, the central address or the peer address, naming the one missing', async () => {
    const required: Array<[string, string[]]> = [
      ['CLUSTER_SECRET', [CENTRAL_COMPOSE_FILE, PEER_COMPOSE_FILE]],
      ['CENTRAL_HOST', [PEER_COMPOSE_FILE]],
      ['PUBLIC_HOST', [PEER_COMPOSE_FILE]]
    ]
    for (const [name, files] of required) {
      const env = await envFile(`without-${name}.env`, { [name]: '' })
      for (const file of files) {
        const refused = await readComposeConfig(file, env).then(() => null, (err: unknown) => err)
        expect(refused, `${path.basename(file)} without ${name}`).toBeInstanceOf(ComposeConfigError)
        expect((refused as Error).message).toContain(name)
      }
    }
  })

  it('give each service only variables its config reads, with values it accepts', async () => {
    for (const { plan } of machines) {
      for (const service of plan.services) {
        const configFile = `${REPO_ROOT}${service.workspace}/src/config.ts`
        const source = await readFile(configFile, 'utf8')
        const fromDockerfile = new Set(Object.keys(stages.get(service.workspace)?.env ?? {}))
        for (const name of Object.keys(service.env).filter((name) => !fromDockerfile.has(name))) {
          expect(source, `${service.workspace} is given ${name}, which its config.ts does not read`).toMatch(new RegExp(`^\\s*${name}:`, 'm'))
        }
        const config = await import(configFile) as { loadConfig: (env: Record<string, string>) => unknown }
        expect(() => config.loadConfig(service.env), `${service.workspace}'s config refuses its compose environment`).not.toThrow()
      }
    }
  })

  it('publish only the web pages and the peers\' gRPC, each on the port its service listens on', () => {
    // planMachine refuses a published port that is not the one the service listens on.
    const published = (file: string): Record<string, number[]> =>
      Object.fromEntries(machine(file).plan.services.map((service) => [service.workspace, service.published]))
    expect(published(CENTRAL_COMPOSE_FILE)).toEqual({ 'central-server': [], proxy: [80] })
    expect(published(PEER_COMPOSE_FILE)).toEqual({ pserver: [50051], pclient: [], proxy: [80] })

    // Other peers dial what the central hands out: this machine's address with the published port.
    const pserver = serviceOf(PEER_COMPOSE_FILE, 'pserver')
    expect(pserver.env.ADVERTISE_ADDRESS).toBe(`${OPERATOR_VALUES.PUBLIC_HOST}:${pserver.published[0]}`)
    // Peers reach the central where the central machine publishes it.
    const centralPort = serviceOf(CENTRAL_COMPOSE_FILE, 'proxy').published[0]
    for (const workspace of ['pserver', 'pclient'] as const) {
      const url = new URL(serviceOf(PEER_COMPOSE_FILE, workspace).env.CENTRAL_URL ?? '')
      expect(url.hostname).toBe(OPERATOR_VALUES.CENTRAL_HOST)
      expect(Number(url.port === '' ? 80 : url.port)).toBe(centralPort)
    }
  })

  it('put a proxy in front of each machine\'s web service, which believes it and nothing outside the machine', () => {
    for (const [file, upstream] of [[CENTRAL_COMPOSE_FILE, 'central-server'], [PEER_COMPOSE_FILE, 'pclient']] as const) {
      const target = serviceOf(file, upstream)
      const url = new URL(serviceOf(file, 'proxy').env.UPSTREAM_URL ?? '')
      expect(url.hostname).toBe(target.name)
      expect(Number(url.port)).toBe(target.listen.port)
      expect(target.env.TRUSTED_PROXIES).toBe(machine(file).project.subnet)
    }
  })

  it('keep a peer\'s data in a named volume and share files/ read-only as its seed files', () => {
    const { project } = machine(PEER_COMPOSE_FILE)
    const pserver = project.services.find((service) => service.buildTarget === 'pserver')
    const volumes = pserver?.volumes ?? []
    const env = pserver?.environment ?? {}
    expect(volumes.find((volume) => volume.target === env.DATA_DIR)).toMatchObject({ named: true, readOnly: false })
    expect(volumes.find((volume) => volume.target === env.SEED_DIR)).toMatchObject({ source: `${REPO_ROOT}files`, readOnly: true })
  })

  it('build every image to run its service as a non-root user, with a HEALTHCHECK, from production dependencies', async () => {
    for (const workspace of ['central-server', 'pserver', 'pclient', 'proxy'] as const) {
      const stage = stages.get(workspace)
      expect(stage, `no ${workspace} stage in the Dockerfile`).toBeDefined()
      if (stage == null) continue
      expect(stage.user, `${workspace} runs as root`).not.toBeNull()
      expect(stage.user).not.toMatch(/^(root|0)$/)
      expect(stage.healthcheck, `${workspace} has no HEALTHCHECK`).not.toBeNull()
      // The same command as `npm start` and the tests; the image holds the file it runs.
      const entry = `${workspace}/src/server.ts`
      expect(stage.cmd).toEqual(['node', '--import', 'tsx', entry])
      await access(`${REPO_ROOT}${entry}`)
      expect(stage.copied.some((copied) => `${stage.workdir}/${entry}`.startsWith(`${copied}/`))).toBe(true)
      expect(stage.runs.some((run) => run.startsWith(`npm ci --omit=dev --workspace=${workspace} `)), `${workspace} installs more than its production dependencies`).toBe(true)
      // tsx runs the service, so it must be one of the production dependencies installed.
      const manifest = JSON.parse(await readFile(`${REPO_ROOT}${workspace}/package.json`, 'utf8')) as { dependencies?: Record<string, string> }
      expect(Object.keys(manifest.dependencies ?? {})).toContain('tsx')
    }
  })

  it('install in each image every package its service loads at run time', async () => {
    const dependencies = async (workspace: string): Promise<string[]> => {
      const manifest = JSON.parse(await readFile(`${REPO_ROOT}${workspace}/package.json`, 'utf8')) as { name: string, dependencies?: Record<string, string> }
      return [manifest.name, ...Object.keys(manifest.dependencies ?? {})]
    }
    for (const workspace of ['central-server', 'pserver', 'pclient', 'proxy'] as const) {
      // `npm ci --workspace` installs the service's dependencies, which include proto and its own.
      const installed = new Set([...await dependencies(workspace), ...await dependencies('proto')])
      const loaded = await packagesImportedBy([`${REPO_ROOT}${workspace}/src`, `${REPO_ROOT}proto/src`])
      expect([...loaded].filter((name) => !installed.has(name)), `${workspace} loads packages that are not its production dependencies`).toEqual([])
    }
  })

  it('keep secrets and local state out of the image build', async () => {
    const ignored = (await readFile(`${REPO_ROOT}.dockerignore`, 'utf8')).split('\n').map((line) => line.trim())
    expect(ignored).toEqual(expect.arrayContaining(['.env', '**/node_modules', '.data']))
  })
})
