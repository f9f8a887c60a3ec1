// A private network of machines made of Linux network namespaces, for the multi-machine test. One
// namespace holds a bridge (the network's switch); each machine is a namespace with one interface on
// that bridge and its own address. Nothing is added to the host's own network namespace, so the
// test's traffic stays inside the namespaces it made. Needs root and iproute2 (`ip netns`).
import { execFile } from 'node:child_process'
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'

/** Every namespace a lab makes is named `p2pt-<pid>-<host>`, so leftovers can be told apart. */
const PREFIX = 'p2pt-'
/** The lab network: 10.231.0.0/24. */
const SUBNET = '10.231.0'
const NETNS_ETC = '/etc/netns'
const COMMAND_TIMEOUT_MS = 15_000
/** The user the images' `USER node` stands for in the lab: an unprivileged one, as in the containers. */
export const UNPRIVILEGED_UID = 65534

export interface LabHost {
  name: string
  namespace: string
  address: string
}

export interface RunOptions {
  env?: Record<string, string>
  cwd?: string
  unprivileged?: boolean
  timeoutMs?: number
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface Lab {
  host: (name: string) => LabHost
  /** The command line that runs `argv` inside `host`'s namespace (as an unprivileged user if asked). */
  commandIn: (host: LabHost, argv: string[], options?: { unprivileged?: boolean }) => [string, ...string[]]
  /** Runs a command inside `host` to completion (bounded by a timeout) and returns its output. */
  run: (host: LabHost, argv: string[], options?: RunOptions) => Promise<RunResult>
  /** Adds an address (a /32) to the namespace's loopback interface. */
  addLocalAddress: (host: LabHost, address: string) => Promise<void>
  setSysctl: (host: LabHost, key: string, value: string) => Promise<void>
  /** The namespace's /etc/hosts (`ip netns exec` mounts /etc/netns/<namespace>/hosts over it). */
  writeHosts: (host: LabHost, entries: Array<[string, string]>) => Promise<void>
  /** Kills whatever still runs in the lab's namespaces and deletes them. Never throws. */
  destroy: () => Promise<void>
}

/** Why this machine cannot run a lab, or null when it can. */
export async function labUnsupportedReason (): Promise<string | null> {
  if (process.platform !== 'linux') return 'network namespaces need Linux'
  if (process.getuid?.() !== 0) return 'network namespaces need root'
  const ip = await run(['ip', 'netns', 'list'])
  if (ip.code !== 0) return `\`ip netns\` does not work here (${ip.stderr.trim() || 'is iproute2 installed?'})`
  const setpriv = await run(['setpriv', '--version'])
  if (setpriv.code !== 0) return 'setpriv (util-linux) is missing'
  return null
}

/** Makes a lab with one machine per entry; `number` is the last byte of its address. */
export async function createLab (hosts: Array<{ name: string, number: number }>): Promise<Lab> {
  await removeLeftoverLabs()
  const namespaceOf = (name: string): string => `${PREFIX}${process.pid}-${name}`
  const lan = namespaceOf('lan')
  const made: string[] = []
  const byName = new Map<string, LabHost>()

  const lab: Lab = {
    host: (name) => {
      const host = byName.get(name)
      if (host == null) throw new Error(`no lab host ${name}`)
      return host
    },
    commandIn: (host, argv, options = {}) => [
      'ip', 'netns', 'exec', host.namespace,
      ...(options.unprivileged === true ? ['setpriv', `--reuid=${UNPRIVILEGED_UID}`, `--regid=${UNPRIVILEGED_UID}`, '--clear-groups', '--'] : []),
      ...argv
    ],
    run: async (host, argv, options = {}) => await run(lab.commandIn(host, argv, options), options),
    addLocalAddress: async (host, address) => { await ip(['-n', host.namespace, 'addr', 'add', `${address}/32`, 'dev', 'lo']) },
    setSysctl: async (host, key, value) => {
      // /proc/sys/net shows the namespace of the process that reads it.
      const result = await lab.run(host, ['sh', '-c', 'printf %s "$1" > "/proc/sys/$2"', 'sh', value, key.replaceAll('.', '/')])
      if (result.code !== 0) throw new Error(`sysctl ${key}=${value} in ${host.name}: ${result.stderr.trim()}`)
    },
    writeHosts: async (host, entries) => {
      const dir = path.join(NETNS_ETC, host.namespace)
      await mkdir(dir, { recursive: true })
      const lines = [['127.0.0.1', 'localhost'], ['::1', 'localhost'], ...entries.map(([name, address]) => [address, name])]
      await writeFile(path.join(dir, 'hosts'), lines.map((line) => line.join(' ')).join('\n') + '\n')
    },
    destroy: async () => { await destroyNamespaces(made) }
  }

  try {
    await addNamespace(lan, made)
    await ip(['-n', lan, 'link', 'add', 'br0', 'type', 'bridge'])
    await ip(['-n', lan, 'link', 'set', 'br0', 'up'])
    for (const { name, number } of hosts) {
      const host = { name, namespace: namespaceOf(name), address: `${SUBNET}.${number}` }
      const switchPort = `v-${name}`.slice(0, 15)
      await addNamespace(host.namespace, made)
      // Both ends are made directly in their namespaces: the host's namespace never sees them.
      await ip(['link', 'add', 'eth0', 'netns', host.namespace, 'type', 'veth', 'peer', 'name', switchPort, 'netns', lan])
      await ip(['-n', lan, 'link', 'set', switchPort, 'master', 'br0', 'up'])
      await ip(['-n', host.namespace, 'addr', 'add', `${host.address}/24`, 'dev', 'eth0'])
      await ip(['-n', host.namespace, 'link', 'set', 'eth0', 'up'])
      await ip(['-n', host.namespace, 'link', 'set', 'lo', 'up'])
      byName.set(name, host)
    }
  } catch (err) {
    await lab.destroy()
    throw err
  }
  return lab
}

/** Removes the namespaces of labs whose test process is gone (a run that was killed). */
export async function removeLeftoverLabs (): Promise<void> {
  const listed = await run(['ip', 'netns', 'list'])
  const names = listed.stdout.split('\n').map((line) => line.split(' ')[0] ?? '').filter((name) => name.startsWith(PREFIX))
  const etc = await readdir(NETNS_ETC).catch(() => [] as string[])
  const orphans = [...new Set([...names, ...etc.filter((name) => name.startsWith(PREFIX))])].filter((name) => !ownerAlive(name))
  await destroyNamespaces(orphans)
}

function ownerAlive (namespace: string): boolean {
  const pid = Number(/^p2pt-(\d+)-/.exec(namespace)?.[1])
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function addNamespace (namespace: string, made: string[]): Promise<void> {
  await ip(['netns', 'add', namespace])
  made.push(namespace)
}

async function destroyNamespaces (namespaces: string[]): Promise<void> {
  for (const namespace of namespaces) {
    // Only processes this lab started can be in its namespaces.
    const pids = await run(['ip', 'netns', 'pids', namespace])
    for (const pid of pids.stdout.split('\n').map(Number).filter((pid) => Number.isInteger(pid) && pid > 0)) {
      try { process.kill(pid, 'SIGKILL') } catch {}
    }
    await run(['ip', 'netns', 'del', namespace])
    await rm(path.join(NETNS_ETC, namespace), { recursive: true, force: true })
  }
}

async function ip (args: string[]): Promise<void> {
  const result = await run(['ip', ...args])
  if (result.code !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr.trim()}`)
}

async function run (argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const [file = '', ...args] = argv
  return await new Promise((resolve) => {
    execFile(file, args, {
      env: options.env ?? { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
      cwd: options.cwd,
      timeout: options.timeoutMs ?? COMMAND_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      maxBuffer: 16 * 1024 * 1024
    }, (err, stdout, stderr) => {
      const code = err == null ? 0 : typeof err.code === 'number' ? err.code : null
      resolve({ code, stdout, stderr: err != null && code == null ? `${stderr}${err.message}` : stderr })
    })
  })
}
