// One machine of the deployment, as the image tests run it on this host: a compose project of its
// own (a name of its own, its own .env), run by docker-compose against the podman system service,
// from the repository's compose file unchanged. Several machines share the host; the .env values
// give each its own published ports and container subnet, as separate machines would have anyway.
import { REPO_ROOT } from '../../scripts/lib/service-process.js'
import { expectCommand } from './command.js'
import { PROJECT_LABEL, projectContainers } from './containers.js'
import type { ContainerView } from './containers.js'
import { podman, processAlive } from './podman.js'

const COMPOSE_TIMEOUT_MS = 5 * 60_000

export interface ComposeMachine {
  name: string
  project: string
  /** `docker-compose up -d` with the images already built: starts every service, in order. */
  up: () => Promise<void>
  /** `docker-compose stop`: every container gets SIGTERM, then SIGKILL after its grace period. */
  stop: () => Promise<void>
  /** `docker-compose down -v`: removes its containers, network and volumes. */
  down: () => Promise<void>
  containers: () => Promise<ContainerView[]>
  /** The last lines each service logged, for a look after a failure. */
  logs: () => Promise<string>
}

export interface MachineOptions {
  name: string
  composeFile: string
  envFile: string
  /** The podman system service's socket, as DOCKER_HOST. */
  dockerHost: string
}

/** Project names carry the test's pid, so that a killed run's leftovers can be told apart and removed. */
const PROJECT_PREFIX = 'p2pimages-'

export function composeMachine (options: MachineOptions): ComposeMachine {
  const project = `${PROJECT_PREFIX}${process.pid}-${options.name}`
  const compose = async (args: string[], timeoutMs = COMPOSE_TIMEOUT_MS): Promise<string> => await expectCommand(
    ['docker-compose', '-p', project, '-f', options.composeFile, '--env-file', options.envFile, '--project-directory', REPO_ROOT, ...args],
    // Only the env file sets the compose file's variables: compose would prefer the test's environment.
    { timeoutMs, cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', DOCKER_HOST: options.dockerHost } }
  )
  return {
    name: options.name,
    project,
    up: async () => { await compose(['up', '-d', '--no-build']) },
    stop: async () => { await compose(['stop']) },
    down: async () => { await compose(['down', '--volumes', '--remove-orphans']) },
    containers: async () => await projectContainers(project),
    logs: async () => await compose(['logs', '--no-color', '--tail', '40'], 60_000).catch((err: unknown) => String(err))
  }
}

/** What is left of a compose project in podman: its containers, volumes and networks, by name. */
export async function projectLeftovers (project: string): Promise<string[]> {
  const filter = ['--filter', `label=${PROJECT_LABEL}=${project}`]
  const lines = async (args: string[]): Promise<string[]> => (await podman(args)).split('\n').filter((line) => line !== '')
  return [
    ...(await lines(['ps', '-a', ...filter, '--format', 'container {{.Names}}'])),
    ...(await lines(['volume', 'ls', ...filter, '--format', 'volume {{.Name}}'])),
    ...(await lines(['network', 'ls', ...filter, '--format', 'network {{.Name}}']))
  ]
}

/** Removes what runs of the test that were killed before their clean-up left in podman. */
export async function removeLeftoverProjects (): Promise<void> {
  const labelsOf = async (args: string[], key: 'Labels' | 'labels'): Promise<string[]> =>
    (JSON.parse(await podman([...args, '--format', 'json'])) as Array<Record<string, Record<string, string> | null | undefined>>)
      .map((entry) => entry[key]?.[PROJECT_LABEL] ?? '')
  const projects = new Set([
    ...await labelsOf(['ps', '-a'], 'Labels'),
    ...await labelsOf(['volume', 'ls'], 'Labels'),
    ...await labelsOf(['network', 'ls'], 'labels')
  ].filter((project) => {
    const owner = new RegExp(`^${PROJECT_PREFIX}(\\d+)-`).exec(project)
    return owner != null && !processAlive(Number(owner[1]))
  }))
  for (const project of projects) {
    const filter = ['--filter', `label=${PROJECT_LABEL}=${project}`]
    const ids = async (args: string[]): Promise<string[]> => (await podman(args)).split('\n').filter((id) => id !== '')
    const containers = await ids(['ps', '-a', '-q', ...filter])
    if (containers.length > 0) await podman(['rm', '-f', '-v', '-t', '0', ...containers])
    const volumes = await ids(['volume', 'ls', '-q', ...filter])
    if (volumes.length > 0) await podman(['volume', 'rm', '-f', ...volumes])
    const networks = await ids(['network', 'ls', '-q', ...filter])
    if (networks.length > 0) await podman(['network', 'rm', '-f', ...networks])
  }
}
