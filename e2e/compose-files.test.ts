// The compose files and the Dockerfile, read as Docker reads them: the three files (the central
// machine with replicas over Redis, the single in-memory central, a peer machine) pass
// `docker-compose config` with .env.example filled in, .env.example documents exactly their
// variables, every variable a service is given is one its config reads (with a value it accepts),
// the replicas share one Redis that keeps its data on a volume, only the ports that must be public
// are published and on the ports the services listen on, every image runs its service as
// multi-host.test.ts runs it, and the monitoring profile's Prometheus scrapes every service.
import { randomBytes } from 'node:crypto'
import { access, mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { REPO_ROOT } from '../scripts/lib/service-process.js'
import type { ServiceName } from '../scripts/lib/service-process.js'
import { serviceEntry } from '../scripts/lib/service-runtime.js'
import {
  CENTRAL_COMPOSE_FILE, CENTRAL_SINGLE_COMPOSE_FILE, ComposeConfigError, PEER_COMPOSE_FILE, composeAvailable, composeVariables, readComposeConfig, readEnvFile,
  writeEnvFile
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

const COMPOSE_FILES = [CENTRAL_COMPOSE_FILE, CENTRAL_SINGLE_COMPOSE_FILE, PEER_COMPOSE_FILE]

/** The proxy's upstreams, whichever of its two variables names them. */
function upstreamsOf (env: Record<string, string>): URL[] {
  return (env.UPSTREAM_URLS ?? env.UPSTREAM_URL ?? '').split(',').map((url) => new URL(url.trim()))
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
    for (const file of COMPOSE_FILES) {
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
  const servicesOf = (file: string, workspace: ServiceName): Array<MachinePlan['services'][number]> =>
    machine(file).plan.services.filter((service) => service.workspace === workspace)
  /** Each service `docker compose up` starts, as what it runs: its Dockerfile stage, or the name of its image. */
  const runs = (file: string): Record<string, string> => Object.fromEntries(machine(file).project.services
    .filter((service) => service.profiles.length === 0)
    .map((service) => [service.name, service.buildTarget ?? service.image?.split(':')[0] ?? '?']))

  it('pass docker-compose config with .env.example filled in: the central machine (replicas or one), a peer machine', () => {
    expect(runs(CENTRAL_COMPOSE_FILE)).toEqual({ redis: 'redis', 'central-1': 'central-server', 'central-2': 'central-server', proxy: 'proxy' })
    expect(runs(CENTRAL_SINGLE_COMPOSE_FILE)).toEqual({ 'central-server': 'central-server', proxy: 'proxy' })
    expect(runs(PEER_COMPOSE_FILE)).toEqual({ pserver: 'pserver', pclient: 'pclient', proxy: 'proxy' })
  })

  it('.env.example documents exactly the variables the compose files use', async () => {
    const used = new Set((await Promise.all(COMPOSE_FILES.map(composeVariables))).flat())
    expect(Object.keys(example).sort()).toEqual([...used].sort())
  })

  it('refuse to start without the secret, the central address or the peer address, naming the one missing', async () => {
    const required: Array<[string, string[]]> = [
      ['CLUSTER_SECRET', COMPOSE_FILES],
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

  const SHARED_CENTRAL_URL_SHAPE = `${REPO_ROOT}proto/src/central-client/central-urls.ts`

  it('give each service only variables its config reads, with values it accepts', async () => {
    for (const { plan } of machines) {
      for (const service of plan.services) {
        // Redis runs its official image, configured by its command line.
        if (service.workspace == null) continue
        const configFile = `${REPO_ROOT}${service.workspace}/src/config.ts`
        const source0 = await readFile(configFile, 'utf8')
        // A config may spread in a shape of variables shared by services (CENTRAL_URL, CENTRAL_URLS).
        const source = await readFile(configFile, 'utf8') +
          (source0.includes('centralUrlEnvShape') ? await readFile(SHARED_CENTRAL_URL_SHAPE, 'utf8') : '')
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
      Object.fromEntries(machine(file).plan.services.map((service) => [service.name, service.published]))
    expect(published(CENTRAL_COMPOSE_FILE)).toEqual({ redis: [], 'central-1': [], 'central-2': [], proxy: [80] })
    expect(published(CENTRAL_SINGLE_COMPOSE_FILE)).toEqual({ 'central-server': [], proxy: [80] })
    expect(published(PEER_COMPOSE_FILE)).toEqual({ pserver: [50051], pclient: [], proxy: [80] })

    // Other peers dial what the central hands out: this machine's address with the published port.
    const pserver = serviceOf(PEER_COMPOSE_FILE, 'pserver')
    expect(pserver.env.ADVERTISE_ADDRESS).toBe(`${OPERATOR_VALUES.PUBLIC_HOST}:${pserver.published[0]}`)
    // Peers reach the central where the central machine publishes it, whichever form it takes.
    for (const central of [CENTRAL_COMPOSE_FILE, CENTRAL_SINGLE_COMPOSE_FILE]) {
      const centralPort = serviceOf(central, 'proxy').published[0]
      for (const workspace of ['pserver', 'pclient'] as const) {
        const url = new URL(serviceOf(PEER_COMPOSE_FILE, workspace).env.CENTRAL_URL ?? '')
        expect(url.hostname).toBe(OPERATOR_VALUES.CENTRAL_HOST)
        expect(Number(url.port === '' ? 80 : url.port)).toBe(centralPort)
      }
    }
  })

  it('move a machine\'s published ports and the ports its services listen on together (HTTP_PORT, GRPC_PORT)', async () => {
    const env = await envFile('other-ports.env', { HTTP_PORT: '8080', GRPC_PORT: '50061' })
    for (const file of COMPOSE_FILES) {
      // planMachine refuses a published port that is not the one the service listens on.
      const plan = planMachine(await readComposeConfig(file, env), stages, path.join(dir, 'ports-volumes'))
      expect(plan.services.find((service) => service.workspace === 'proxy')?.published, path.basename(file)).toEqual([8080])
    }
    const pserver = planMachine(await readComposeConfig(PEER_COMPOSE_FILE, env), stages, path.join(dir, 'ports-volumes')).services.find((service) => service.workspace === 'pserver')
    expect([pserver?.published, pserver?.env.ADVERTISE_ADDRESS]).toEqual([[50061], `${OPERATOR_VALUES.PUBLIC_HOST}:50061`])
  })

  it('put a proxy in front of each machine\'s web service (every replica of the central), which believes it and nothing outside the machine', () => {
    for (const [file, upstream] of [[CENTRAL_COMPOSE_FILE, 'central-server'], [CENTRAL_SINGLE_COMPOSE_FILE, 'central-server'], [PEER_COMPOSE_FILE, 'pclient']] as const) {
      const proxyEnv = serviceOf(file, 'proxy').env
      // The proxy takes one of the two, never both.
      expect([proxyEnv.UPSTREAM_URL, proxyEnv.UPSTREAM_URLS].filter((value) => value != null), path.basename(file)).toHaveLength(1)
      const targets = servicesOf(file, upstream)
      const upstreams = upstreamsOf(proxyEnv)
      expect(upstreams.map((url) => url.hostname).sort()).toEqual(targets.map((target) => target.name).sort())
      for (const target of targets) {
        expect(upstreams.find((url) => url.hostname === target.name)?.port).toBe(String(target.listen.port))
        expect(target.env.TRUSTED_PROXIES).toBe(machine(file).project.subnet)
      }
    }
  })

  it('run the central replicas over one Redis, which keeps the directory in an append-only file on a named volume', () => {
    const { project, plan } = machine(CENTRAL_COMPOSE_FILE)
    const redis = plan.services.find((service) => service.image != null)
    expect(redis?.image).toMatch(/^redis:7/)
    const command = project.services.find((service) => service.name === redis?.name)?.command ?? []
    expect(command.join(' ')).toContain('--appendonly yes')
    const dataDir = command[command.indexOf('--dir') + 1]
    const volume = project.services.find((service) => service.name === redis?.name)?.volumes.find((entry) => entry.target === dataDir)
    expect(volume).toMatchObject({ named: true, readOnly: false })
    expect(redis?.healthcheck).toEqual(['redis-cli', 'ping'])

    const replicas = servicesOf(CENTRAL_COMPOSE_FILE, 'central-server')
    expect(replicas.length).toBeGreaterThanOrEqual(2)
    for (const replica of replicas) {
      expect(replica.env.DIRECTORY_STORE).toBe('redis')
      const url = new URL(replica.env.REDIS_URL ?? '')
      expect([url.protocol, url.hostname, Number(url.port)]).toEqual(['redis:', redis?.name, redis?.listen.port])
      expect(replica.dependsOn).toContain(redis?.name)
    }
    const ids = replicas.map((replica) => replica.env.REPLICA_ID ?? '')
    expect(new Set(ids).size, 'each replica its own REPLICA_ID').toBe(replicas.length)
    expect(ids.every((id) => id !== '')).toBe(true)

    // The single central keeps its directory in memory, with no Redis to run.
    const single = serviceOf(CENTRAL_SINGLE_COMPOSE_FILE, 'central-server').env
    expect([single.DIRECTORY_STORE ?? 'memory', single.REDIS_URL]).toEqual(['memory', undefined])
  })

  it('point the replicas at another Redis when REDIS_URL is set', async () => {
    const project = await readComposeConfig(CENTRAL_COMPOSE_FILE, await envFile('external-redis.env', { REDIS_URL: 'rediss://:secret@redis.internal:6380' }))
    const replicas = project.services.filter((service) => service.buildTarget === 'central-server')
    expect(replicas.map((replica) => replica.environment.REDIS_URL)).toEqual(replicas.map(() => 'rediss://:secret@redis.internal:6380'))
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
      // The compiled service, as `npm test` runs it (P2P_SERVICES=compiled), from the source it is
      // compiled from; the image holds the file it runs.
      const entry = serviceEntry(workspace)
      expect(stage.cmd).toEqual(['node', entry])
      await access(`${REPO_ROOT}${workspace}/src/server.ts`)
      expect(stage.copied.some((copied) => `${stage.workdir}/${entry}`.startsWith(`${copied}/`))).toBe(true)
      expect(stage.runs.some((run) => run.startsWith(`npm ci --omit=dev --workspace=${workspace} `)), `${workspace} installs more than its production dependencies`).toBe(true)
      // Nothing compiles at run time: tsx is a development tool, not one of the service's dependencies.
      const manifest = JSON.parse(await readFile(`${REPO_ROOT}${workspace}/package.json`, 'utf8')) as { dependencies?: Record<string, string> }
      expect(Object.keys(manifest.dependencies ?? {})).not.toContain('tsx')
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

  it('offer a monitoring profile: Prometheus scraping every service of the machine on its metrics port, published nowhere', async () => {
    const configs = [[CENTRAL_COMPOSE_FILE, 'central.yml'], [CENTRAL_SINGLE_COMPOSE_FILE, 'central-single.yml'], [PEER_COMPOSE_FILE, 'peer.yml']] as const
    for (const [file, config] of configs) {
      const { project } = machine(file)
      const optional = project.services.filter((service) => service.profiles.length > 0)
      expect(optional.map((service) => [service.name, service.profiles]), path.basename(file)).toEqual([['prometheus', ['monitoring']]])
      const prometheus = optional[0]!
      expect(prometheus.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/)
      const mounted = (target: string): unknown => prometheus.volumes.find((volume) => volume.target === target)
      expect(mounted('/etc/prometheus/prometheus.yml')).toEqual({ source: `${REPO_ROOT}deploy/prometheus/${config}`, named: false, target: '/etc/prometheus/prometheus.yml', readOnly: true })
      expect(mounted('/etc/prometheus/alerts.yml')).toMatchObject({ source: `${REPO_ROOT}deploy/prometheus/alerts.yml`, readOnly: true })
      // Its page on the machine's own loopback, nowhere else.
      expect(prometheus.ports).toEqual([{ published: 9090, target: 9090, hostIp: '127.0.0.1' }])

      // One target per service the machine runs from the Dockerfile: `<compose name>:<its METRICS_PORT>`.
      const scrape = parse(await readFile(`${REPO_ROOT}deploy/prometheus/${config}`, 'utf8')) as {
        scrape_configs: Array<{ job_name: string, static_configs: Array<{ targets: string[] }> }>
      }
      const targets = scrape.scrape_configs.flatMap((job) => job.static_configs.flatMap((group) => group.targets.map((target) => `${job.job_name} ${target}`)))
      const services = project.services.filter((service) => service.buildTarget != null)
      expect(targets.sort(), config).toEqual(services.map((service) => `${service.buildTarget ?? ''} ${service.name}:${service.environment.METRICS_PORT ?? '?'}`).sort())
      for (const service of services) {
        // Reachable over the machine's compose network, and never published.
        expect(service.environment.METRICS_HOST, service.name).toBe('0.0.0.0')
        expect(service.ports.map((port) => port.target)).not.toContain(Number(service.environment.METRICS_PORT))
      }
    }
  })

  it('keep secrets and local state out of the image build', async () => {
    const ignored = (await readFile(`${REPO_ROOT}.dockerignore`, 'utf8')).split('\n').map((line) => line.trim())
    expect(ignored).toEqual(expect.arrayContaining(['.env', '**/node_modules', '.data']))
  })
})
