// Reads a compose file the way Docker Compose reads it, through `docker-compose config`: variables
// substituted from an env file, defaults applied, relative paths made absolute. The deployment tests
// take every service's environment, ports, volumes and build target from here, so they exercise what
// the file says rather than a copy of it.
import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { REPO_ROOT } from '../../scripts/lib/service-process.js'

const execFileAsync = promisify(execFile)

export const PEER_COMPOSE_FILE = `${REPO_ROOT}docker-compose.yml`
/** The central machine: replicas over Redis. */
export const CENTRAL_COMPOSE_FILE = `${REPO_ROOT}docker-compose-central.yml`
/** The central machine in its simplest form: one central in memory. */
export const CENTRAL_SINGLE_COMPOSE_FILE = `${REPO_ROOT}docker-compose-central-single.yml`

export interface ComposePort {
  /** The port on the machine. */
  published: number
  /** The port in the container. */
  target: number
  hostIp: string | null
}

export interface ComposeVolume {
  /** A named volume, or an absolute path on the machine. */
  source: string
  named: boolean
  /** Where it is mounted in the container. */
  target: string
  readOnly: boolean
}

export interface ComposeService {
  name: string
  /** The Dockerfile stage the image is built from; null for a service that runs a published image (Redis). */
  buildTarget: string | null
  image: string | null
  environment: Record<string, string>
  /** Replaces the image's CMD when set. */
  command: string[] | null
  /** What Docker runs as the service's health check, when the compose file sets one (replacing the image's). */
  healthcheck: string[] | null
  ports: ComposePort[]
  volumes: ComposeVolume[]
  dependsOn: string[]
  sysctls: Record<string, string>
  /** The profiles that start it (`--profile monitoring`); empty: `docker compose up` starts it. */
  profiles: string[]
}

export interface ComposeProject {
  file: string
  services: ComposeService[]
  /** The default network's pinned subnet, if any. */
  subnet: string | null
  namedVolumes: string[]
}

/** `docker-compose config` refused the file; `message` is what it printed. */
export class ComposeConfigError extends Error {}

export async function composeAvailable (): Promise<boolean> {
  try {
    await execFileAsync('docker-compose', ['version'], { timeout: 30_000 })
    return true
  } catch {
    return false
  }
}

/** Reads an env file's `NAME=value` lines (comments and blank lines skipped), in order. */
export async function readEnvFile (file: string): Promise<Record<string, string>> {
  const values: Record<string, string> = {}
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line)
    if (match != null) values[match[1] ?? ''] = (match[2] ?? '').trim()
  }
  return values
}

/** The variables a compose file substitutes (`${NAME}`, `${NAME:-default}`, `${NAME:?message}`). */
export async function composeVariables (file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8')
  return [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1] ?? ''))]
}

/** Writes an env file in the format compose reads (`NAME=value`, one a line). */
export async function writeEnvFile (file: string, values: Record<string, string>): Promise<void> {
  await writeFile(file, Object.entries(values).map(([name, value]) => `${name}=${value}\n`).join(''), { mode: 0o600 })
}

/**
 * Runs `docker-compose config` with only `envFile` as the source of variables (the environment of
 * the test process, which compose would otherwise prefer, is not passed on) and parses the result.
 * The output holds the cluster secret: never log it.
 */
export async function readComposeConfig (file: string, envFile: string): Promise<ComposeProject> {
  let stdout: string
  try {
    ({ stdout } = await execFileAsync('docker-compose', ['-f', file, '--env-file', envFile, 'config'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' },
      timeout: 60_000
    }))
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? ''
    throw new ComposeConfigError(`docker-compose config refused ${file}: ${stderr.trim() || (err as Error).message}`)
  }
  return toProject(file, parse(stdout) as unknown)
}

function toProject (file: string, raw: unknown): ComposeProject {
  const doc = record(raw, 'the config')
  const services = Object.entries(record(doc.services, 'services')).map(([name, value]) => toService(name, record(value, name)))
  const ipam = record(record(record(doc.networks ?? {}, 'networks').default ?? {}, 'networks.default').ipam ?? {}, 'ipam')
  const ipamConfig = Array.isArray(ipam.config) ? ipam.config : []
  const subnet = ipamConfig.length > 0 ? record(ipamConfig[0], 'ipam.config').subnet : undefined
  return {
    file,
    services,
    subnet: typeof subnet === 'string' ? subnet : null,
    namedVolumes: Object.keys(record(doc.volumes ?? {}, 'volumes'))
  }
}

function toService (name: string, raw: Record<string, unknown>): ComposeService {
  const build = raw.build == null ? null : record(raw.build, `${name}.build`)
  if (build != null && typeof build.target !== 'string') throw new Error(`${name}: build.target must name a Dockerfile stage`)
  if (build == null && typeof raw.image !== 'string') throw new Error(`${name}: neither built from the Dockerfile nor an image`)
  if (raw.entrypoint != null) throw new Error(`${name}: entrypoint is not supported by the deployment tests; change the Dockerfile's CMD instead`)
  if (raw.command != null && !Array.isArray(raw.command)) throw new Error(`${name}: write command as a list, as the Dockerfile's exec-form CMD`)
  return {
    name,
    buildTarget: typeof build?.target === 'string' ? build.target : null,
    image: typeof raw.image === 'string' ? raw.image : null,
    environment: Object.fromEntries(Object.entries(record(raw.environment ?? {}, `${name}.environment`)).map(([key, value]) => [key, String(value ?? '')])),
    command: Array.isArray(raw.command) ? raw.command.map(String) : null,
    healthcheck: toHealthcheck(name, raw.healthcheck),
    ports: (Array.isArray(raw.ports) ? raw.ports : []).map((port) => toPort(name, port)),
    volumes: (Array.isArray(raw.volumes) ? raw.volumes : []).map((volume) => toVolume(name, volume)),
    dependsOn: Array.isArray(raw.depends_on) ? raw.depends_on.map(String) : Object.keys(record(raw.depends_on ?? {}, `${name}.depends_on`)),
    sysctls: Object.fromEntries(Object.entries(record(raw.sysctls ?? {}, `${name}.sysctls`)).map(([key, value]) => [key, String(value)])),
    profiles: Array.isArray(raw.profiles) ? raw.profiles.map(String) : []
  }
}

/** A compose healthcheck's `test` as the command Docker runs: CMD runs its words, CMD-SHELL a shell. */
function toHealthcheck (service: string, raw: unknown): string[] | null {
  if (raw == null) return null
  const test = record(raw, `${service}.healthcheck`).test
  if (!Array.isArray(test)) throw new Error(`${service}: write healthcheck.test as a list ([CMD, ...] or [CMD-SHELL, command])`)
  const [kind, ...words] = test.map(String)
  if (kind === 'NONE') return null
  if (kind === 'CMD') return words
  if (kind === 'CMD-SHELL') return ['/bin/sh', '-c', words.join(' ')]
  throw new Error(`${service}: healthcheck.test must start with CMD, CMD-SHELL or NONE`)
}

// `docker-compose config` (v1) prints ports in the long syntax, except one bound to a host address:
// that one stays short, host:published:target/protocol.
function toPort (service: string, raw: unknown): ComposePort {
  if (typeof raw === 'string') {
    const short = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(\d+):(\d+)(?:\/(?:tcp|udp))?$/.exec(raw)
    if (short == null) throw new Error(`${service}: a port this test cannot read: ${raw}`)
    return { published: Number(short[2]), target: Number(short[3]), hostIp: short[1] ?? null }
  }
  const port = record(raw, `${service}.ports`)
  if (typeof port.published !== 'number' || typeof port.target !== 'number') throw new Error(`${service}: a port without published and target numbers: ${JSON.stringify(raw)}`)
  return { published: port.published, target: port.target, hostIp: typeof port.host_ip === 'string' ? port.host_ip : null }
}

// ...and volumes in the short one: source:target[:mode], the source absolute or a volume name.
function toVolume (service: string, raw: unknown): ComposeVolume {
  if (typeof raw !== 'string') throw new Error(`${service}: unexpected volume ${JSON.stringify(raw)}`)
  const [source = '', target = '', mode = 'rw'] = raw.split(':')
  if (target === '') throw new Error(`${service}: a volume without a target: ${raw}`)
  return { source, named: !source.startsWith('/'), target, readOnly: mode.split(',').includes('ro') }
}

function record (value: unknown, what: string): Record<string, unknown> {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what}: expected a mapping in the compose config`)
  return value as Record<string, unknown>
}
