// Turns one machine's compose project and the Dockerfile into the processes the multi-machine test
// runs in that machine's network namespace. What a container gives a service, the namespace gives it
// as follows, and nothing else is changed:
// - the image's WORKDIR is the repository root: the Dockerfile copies each folder to the same path;
// - a named volume is a folder of the test, a bind mount is its own source folder;
// - each service has its own address on the machine's internal network (the compose network's
//   subnet), and its compose name resolves to that address, as Docker's DNS does;
// - a service that binds a wildcard address but publishes no port binds its internal address only,
//   so that, as in Docker, other machines cannot reach it; so does every metrics listener (never published);
// - only what `docker compose up` starts runs: a service of a profile (monitoring) does not;
// - a published port keeps its number (published = target): there is no NAT in the test;
// - a service of a published image (Redis) runs the same program from the machine's own package
//   (Debian's redis-server), with the compose file's command and the image's defaults.
// A compose file this cannot represent faithfully is an error, which the compose file tests report.
import { isIPv4 } from 'node:net'
import path from 'node:path'
import { REDIS_READY } from '../../scripts/lib/redis-process.js'
import { REPO_ROOT } from '../../scripts/lib/service-process.js'
import type { ServiceName } from '../../scripts/lib/service-process.js'
import type { ComposeProject, ComposeService } from './compose-config.js'
import type { DockerStage } from './dockerfile.js'

/** The variables each service reads its listening address from (see each service's config.ts). */
export const LISTEN_VARIABLES: Record<ServiceName, { host: string, port: string }> = {
  'central-server': { host: 'HOST', port: 'PORT' },
  pserver: { host: 'GRPC_HOST', port: 'GRPC_PORT' },
  pclient: { host: 'HOST', port: 'PORT' },
  proxy: { host: 'HOST', port: 'PORT' }
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]'])

export interface ServicePlan {
  /** The compose service's name. */
  name: string
  /** The workspace, which is also the Dockerfile stage; null for a service of a published image. */
  workspace: ServiceName | null
  /** The published image it runs instead (e.g. redis:7-bookworm); null for a workspace. */
  image: string | null
  /** The log line that says it is ready, for a program that does not log pino's JSON; null: a 'listening' line. */
  readyLine: RegExp | null
  argv: [string, ...string[]]
  cwd: string
  env: Record<string, string>
  healthcheck: string[] | null
  /** The image runs it as a non-root user. */
  unprivileged: boolean
  internalAddress: string
  /** Where the service listens once translated. */
  listen: { host: string, port: number }
  /** Ports other machines reach it on. */
  published: number[]
  dependsOn: string[]
}

export interface MachinePlan {
  /** In an order that starts every service after those it depends on. */
  services: ServicePlan[]
  /** Each compose service name with the internal address it resolves to. */
  hosts: Array<[string, string]>
  /** Network sysctls the compose file sets; a machine's services share one namespace. */
  sysctls: Record<string, string>
  /** Each named volume's folder. */
  volumeDirs: Record<string, string>
}

/** `appRoot`: where the services find the checkout (see app-root.ts); the checkout itself by default. */
export function planMachine (project: ComposeProject, stages: Map<string, DockerStage>, volumeRoot: string, appRoot = REPO_ROOT): MachinePlan {
  if (project.subnet == null) throw new Error(`${project.file}: pin the default network's subnet, so that TRUSTED_PROXIES can name it`)
  const volumeDirs = Object.fromEntries(project.namedVolumes.map((name) => [name, path.join(volumeRoot, name)]))
  const ordered = startOrder(project.services.filter((service) => service.profiles.length === 0))
  const services = ordered.map((service, index) => {
    const context = { internalAddress: addressInSubnet(project.subnet ?? '', index + 2), volumeDirs, appRoot }
    return service.buildTarget == null ? planImageService(service, context) : planService(service, service.buildTarget, stages, context)
  })
  const sysctls: Record<string, string> = {}
  for (const service of project.services) Object.assign(sysctls, service.sysctls)
  return { services, hosts: services.map((service) => [service.name, service.internalAddress]), sysctls, volumeDirs }
}

interface PlanContext { internalAddress: string, volumeDirs: Record<string, string>, appRoot: string }

function planService (service: ComposeService, buildTarget: string, stages: Map<string, DockerStage>, context: PlanContext): ServicePlan {
  const stage = stages.get(buildTarget)
  if (stage == null) throw new Error(`${service.name}: build target ${buildTarget} is not a stage of the Dockerfile`)
  const workspace = buildTarget
  if (!isServiceName(workspace)) throw new Error(`${service.name}: build target ${workspace} is not one of the services (${Object.keys(LISTEN_VARIABLES).join(', ')})`)
  const [command, ...args] = service.command ?? stage.cmd ?? []
  if (command == null) throw new Error(`${service.name}: the ${workspace} stage has no CMD`)

  const env = withVolumePaths({ ...stage.env, ...service.environment }, service, context.volumeDirs)
  const variables = LISTEN_VARIABLES[workspace]
  const host = env[variables.host] ?? ''
  const port = Number(env[variables.port])
  if (host === '' || !Number.isInteger(port) || port <= 0) {
    throw new Error(`${service.name}: set ${variables.host} and ${variables.port} in the compose file, where it listens`)
  }
  const published = publishedPorts(service, port, variables.port)
  if (WILDCARDS.has(host) && published.length === 0) env[variables.host] = context.internalAddress
  // A machine's services share one namespace in the lab: two replicas' metrics on the same port would collide on a wildcard.
  if (WILDCARDS.has(env.METRICS_HOST ?? '')) env.METRICS_HOST = context.internalAddress

  return {
    name: service.name,
    workspace,
    image: null,
    readyLine: null,
    argv: [command, ...args],
    cwd: context.appRoot,
    env,
    healthcheck: service.healthcheck ?? stage.healthcheck,
    unprivileged: stage.user != null && stage.user !== 'root' && stage.user !== '0',
    internalAddress: context.internalAddress,
    listen: { host: env[variables.host] ?? host, port },
    published,
    dependsOn: service.dependsOn
  }
}

/** The ports other machines reach it on; each must be the port it listens on (`where`: the setting that says so). */
function publishedPorts (service: ComposeService, port: number, where: string): number[] {
  for (const published of service.ports) {
    if (published.target !== port) throw new Error(`${service.name}: publishes container port ${published.target} but listens on ${where}=${port}`)
    if (published.published !== published.target) throw new Error(`${service.name}: publish port ${published.target} on the same number (${published.published}:${published.target}), as the multi-machine test does`)
    if (published.hostIp != null) throw new Error(`${service.name}: a published port bound to one host address (${published.hostIp}) is not supported by the multi-machine test`)
  }
  return service.ports.map((entry) => entry.published)
}

/**
 * Redis's official image: its program, what it listens on (6379 on every address, unless the
 * command says otherwise), protected mode off (the image builds it so: only published ports reach
 * it) and its own non-root user. Other published images are not supported by the lab.
 */
function planImageService (service: ComposeService, context: PlanContext): ServicePlan {
  const image = service.image ?? ''
  if (!/^redis:/.test(image)) throw new Error(`${service.name}: the multi-machine test runs only the project's stages and redis images, not ${image}`)
  const [program = 'redis-server', ...args] = (service.command ?? ['redis-server']).map(inVolume(service, context.volumeDirs))
  if (program !== 'redis-server') throw new Error(`${service.name}: the redis image's command must run redis-server`)
  if (args.includes('--bind') || args.includes('--protected-mode')) throw new Error(`${service.name}: --bind and --protected-mode are the image's and the lab's to set`)
  const portAt = args.indexOf('--port')
  const port = portAt < 0 ? 6379 : Number(args[portAt + 1])
  const published = publishedPorts(service, port, '--port')
  // Unpublished: its internal address only, as in Docker; and its own loopback, where `redis-cli ping` looks.
  const bind = published.length === 0 ? [context.internalAddress, '127.0.0.1'] : ['0.0.0.0']
  return {
    name: service.name,
    workspace: null,
    image,
    readyLine: REDIS_READY,
    argv: [program, ...args, '--bind', ...bind, '--protected-mode', 'no'],
    cwd: context.appRoot,
    env: {},
    healthcheck: service.healthcheck,
    unprivileged: true,
    internalAddress: context.internalAddress,
    listen: { host: bind[0] ?? '', port },
    published,
    dependsOn: service.dependsOn
  }
}

/** Values that are paths inside a mounted volume become the same paths inside its folder. */
function withVolumePaths (env: Record<string, string>, service: ComposeService, volumeDirs: Record<string, string>): Record<string, string> {
  const translate = inVolume(service, volumeDirs)
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, translate(value)]))
}

function inVolume (service: ComposeService, volumeDirs: Record<string, string>): (value: string) => string {
  const mounts = service.volumes.map((volume) => {
    const folder = volume.named ? volumeDirs[volume.source] : volume.source
    if (folder == null) throw new Error(`${service.name}: volume ${volume.source} is not declared under volumes:`)
    return { target: volume.target, folder }
  })
  return (value) => {
    const mount = mounts.find(({ target }) => value === target || value.startsWith(`${target}/`))
    return mount == null ? value : mount.folder + value.slice(mount.target.length)
  }
}

function startOrder (services: ComposeService[]): ComposeService[] {
  const ordered: ComposeService[] = []
  const visiting = new Set<string>()
  const visit = (service: ComposeService): void => {
    if (ordered.includes(service)) return
    if (visiting.has(service.name)) throw new Error(`depends_on has a cycle through ${service.name}`)
    visiting.add(service.name)
    for (const name of service.dependsOn) {
      const dependency = services.find((candidate) => candidate.name === name)
      if (dependency == null) throw new Error(`${service.name} depends on ${name}, which is not a service`)
      visit(dependency)
    }
    ordered.push(service)
  }
  services.forEach(visit)
  return ordered
}

/** The n-th address of an IPv4 subnet written as a.b.c.d/prefix. */
export function addressInSubnet (subnet: string, n: number): string {
  const [network = '', prefix = ''] = subnet.split('/')
  if (!isIPv4(network) || !/^\d+$/.test(prefix) || Number(prefix) > 30 || n >= 2 ** (32 - Number(prefix)) - 1) {
    throw new Error(`expected an IPv4 subnet with room for ${n} addresses, got ${subnet}`)
  }
  const base = network.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0)
  const address = base + n
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.')
}

function isServiceName (name: string): name is ServiceName {
  return Object.hasOwn(LISTEN_VARIABLES, name)
}
