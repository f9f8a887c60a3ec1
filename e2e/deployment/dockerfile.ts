// Reads the stages of the project's Dockerfile: what each image runs (WORKDIR, ENV, USER, CMD,
// HEALTHCHECK) and where it copies files. The deployment tests run those commands as they are
// written, so the images and the tests cannot drift apart. Only the instruction forms the Dockerfile
// uses are understood; anything else is an error here rather than a silent guess.
import { readFile } from 'node:fs/promises'
import path from 'node:path/posix'
import { REPO_ROOT } from '../../scripts/lib/service-process.js'

export const DOCKERFILE = `${REPO_ROOT}Dockerfile`

export interface DockerStage {
  name: string
  /** The published image its chain of stages starts FROM (e.g. node:24-bookworm-slim). */
  baseImage: string
  workdir: string
  env: Record<string, string>
  /** null: root, the base image's default. */
  user: string | null
  /** The exec-form CMD. */
  cmd: string[] | null
  /** What Docker runs for the HEALTHCHECK (a shell-form check runs as `/bin/sh -c`). */
  healthcheck: string[] | null
  /** Absolute destinations of every COPY, in the image. */
  copied: string[]
  /** Every RUN's command line. */
  runs: string[]
}

export async function readDockerfile (file = DOCKERFILE): Promise<Map<string, DockerStage>> {
  return parseDockerfile(await readFile(file, 'utf8'))
}

export function parseDockerfile (text: string): Map<string, DockerStage> {
  const stages = new Map<string, DockerStage>()
  let stage: DockerStage | null = null
  for (const line of instructions(text)) {
    const [keyword = '', rest = ''] = splitFirst(line)
    const instruction = keyword.toUpperCase()
    if (instruction === 'FROM') {
      stage = fromStage(rest, stages)
      stages.set(stage.name, stage)
      continue
    }
    if (stage == null) throw new Error(`Dockerfile: ${instruction} before any FROM`)
    applyInstruction(stage, instruction, rest)
  }
  return stages
}

function fromStage (rest: string, stages: Map<string, DockerStage>): DockerStage {
  const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest)
  if (match == null) throw new Error(`Dockerfile: cannot read FROM ${rest}`)
  const [, image = '', name = image] = match
  const parent = stages.get(image)
  return parent == null
    ? { name, baseImage: image, workdir: '/', env: {}, user: null, cmd: null, healthcheck: null, copied: [], runs: [] }
    : { ...structuredClone(parent), name }
}

function applyInstruction (stage: DockerStage, instruction: string, rest: string): void {
  switch (instruction) {
    case 'WORKDIR': stage.workdir = path.resolve(stage.workdir, rest); break
    case 'ENV': Object.assign(stage.env, parseEnv(rest)); break
    case 'USER': stage.user = rest; break
    case 'CMD': stage.cmd = execForm(rest, 'CMD'); break
    case 'HEALTHCHECK': stage.healthcheck = parseHealthcheck(rest); break
    case 'COPY': stage.copied.push(path.resolve(stage.workdir, copyDestination(rest))); break
    case 'RUN': stage.runs.push(rest); break
    case 'EXPOSE': case 'STOPSIGNAL': case 'LABEL': case 'ARG': break
    default: throw new Error(`Dockerfile: ${instruction} is not understood by the deployment tests`)
  }
}

/** Instructions with continuation lines joined, comments and blank lines dropped. */
function instructions (text: string): string[] {
  const result: string[] = []
  let pending = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (pending === '' && (line === '' || line.startsWith('#'))) continue
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' '
      continue
    }
    result.push((pending + line).trim())
    pending = ''
  }
  if (pending !== '') result.push(pending.trim())
  return result
}

function splitFirst (line: string): [string, string] {
  const match = /^(\S+)\s*(.*)$/.exec(line)
  return [match?.[1] ?? '', match?.[2] ?? '']
}

function parseEnv (rest: string): Record<string, string> {
  if (!rest.includes('=')) {
    const [name = '', value = ''] = splitFirst(rest)
    return { [name]: value }
  }
  const env: Record<string, string> = {}
  for (const pair of rest.split(/\s+/)) {
    const at = pair.indexOf('=')
    if (at <= 0 || /["'\\$]/.test(pair)) throw new Error(`Dockerfile: write ENV as plain NAME=value pairs (got ${rest})`)
    env[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return env
}

function execForm (rest: string, what: string): string[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(rest)
  } catch {
    throw new Error(`Dockerfile: write ${what} in the exec form, a JSON array (got ${rest})`)
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((part) => typeof part === 'string')) {
    throw new Error(`Dockerfile: ${what} must be a non-empty JSON array of strings`)
  }
  return parsed
}

function parseHealthcheck (rest: string): string[] | null {
  if (rest.toUpperCase() === 'NONE') return null
  const match = /^((?:--\S+\s+)*)CMD\s+(.+)$/i.exec(rest)
  if (match == null) throw new Error(`Dockerfile: cannot read HEALTHCHECK ${rest}`)
  const command = match[2] ?? ''
  return command.startsWith('[') ? execForm(command, 'HEALTHCHECK CMD') : ['/bin/sh', '-c', command]
}

function copyDestination (rest: string): string {
  const parts = rest.split(/\s+/).filter((part) => !part.startsWith('--'))
  if (parts.length < 2) throw new Error(`Dockerfile: cannot read COPY ${rest}`)
  return parts[parts.length - 1] ?? ''
}
