// What the image tests see of the containers of one compose project, through podman: each
// container's service, state, health, exit code and the users its processes run as; and their
// health checks run on demand. podman schedules health checks with systemd timers, and there is no
// systemd on these machines, so without this no container would ever leave "starting".
import { podman } from './podman.js'

/** The label docker-compose puts on every container, volume and network of a project. */
export const PROJECT_LABEL = 'com.docker.compose.project'
const SERVICE_LABEL = 'com.docker.compose.service'

export interface ContainerView {
  id: string
  name: string
  /** The compose service it runs. */
  service: string
  /** podman's state: running, exited, ... */
  state: string
  /** starting, healthy or unhealthy; null without a health check. */
  health: string | null
  exitCode: number
}

interface InspectedContainer {
  Id: string
  Name: string
  Config: { Labels?: Record<string, string> | null, Healthcheck?: unknown }
  State: { Status: string, ExitCode: number, Health?: { Status?: string } | null }
}

/** Every container of compose project `project`, in the order of their names. */
export async function projectContainers (project: string): Promise<ContainerView[]> {
  const ids = (await podman(['ps', '-a', '-q', '--no-trunc', '--filter', `label=${PROJECT_LABEL}=${project}`])).split('\n').filter((id) => id !== '')
  if (ids.length === 0) return []
  const inspected = JSON.parse(await podman(['container', 'inspect', ...ids])) as InspectedContainer[]
  return inspected.map((container) => ({
    id: container.Id,
    name: container.Name,
    service: container.Config.Labels?.[SERVICE_LABEL] ?? '',
    state: container.State.Status,
    health: container.Config.Healthcheck == null ? null : (container.State.Health?.Status ?? 'starting'),
    exitCode: container.State.ExitCode
  })).sort((a, b) => a.name.localeCompare(b.name))
}

/** The user each process of a running container runs as, as `ps` names it inside the container. */
export async function processUsers (containerId: string): Promise<string[]> {
  const table = await podman(['top', containerId, 'user', 'comm'])
  return table.split('\n').slice(1).filter((line) => line.trim() !== '').map((line) => line.trim().split(/\s+/)[0] ?? '')
}

export interface HealthChecker {
  /** Stops checking; resolves once the check under way (if any) is done. */
  stop: () => Promise<void>
}

/**
 * Runs the health check of every running container of `projects` that is not healthy yet, every
 * `everyMs`, as the container's own HEALTHCHECK (podman healthcheck run), until stopped. A healthy
 * container is left alone, as its checks would only cost CPU here.
 */
export function checkHealthUntilStopped (projects: () => string[], everyMs = 2000): HealthChecker {
  let stopped = false
  let wake: (() => void) | null = null
  const loop = (async () => {
    while (!stopped) {
      for (const project of projects()) {
        const waiting = (await projectContainers(project).catch(() => [])).filter((container) => container.state === 'running' && container.health != null && container.health !== 'healthy')
        // Exit 1 is an unhealthy answer, recorded by podman like any other; only a hung check is an error.
        await Promise.all(waiting.map(async (container) => await podman(['healthcheck', 'run', container.id], 30_000).catch(() => {})))
      }
      await new Promise<void>((resolve) => {
        wake = resolve
        setTimeout(resolve, everyMs)
      })
    }
  })()
  return {
    stop: async () => {
      stopped = true
      wake?.()
      await loop
    }
  }
}
