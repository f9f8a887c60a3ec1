// Every image the compose files run, made ready in podman's storage: the services' images built from
// the repository's Dockerfile, on its node base image, and the published images the compose files
// name (Redis), each a local stand-in unless already there (see stand-ins.ts).
import { readComposeConfig } from '../deployment/compose-config.js'
import { readDockerfile } from '../deployment/dockerfile.js'
import { buildServiceImages } from './service-images.js'
import { ensureNodeImage, ensureRedisImage, testedNodeVersion } from './stand-ins.js'

/** Builds what the compose files (each read with its .env) run; resolves with what it did, for the log. */
export async function buildImages (...composeFiles: Array<[file: string, envFile: string]>): Promise<string> {
  const started = Date.now()
  const services = (await Promise.all(composeFiles.map(async ([file, envFile]) => (await readComposeConfig(file, envFile)).services))).flat()
  const targets = new Map<string, string>()
  const published = new Set<string>()
  // What `docker-compose up` starts: a service of a profile (monitoring) is not started by the test.
  for (const service of services.filter((candidate) => candidate.profiles.length === 0)) {
    if (service.buildTarget != null) targets.set(service.buildTarget, service.image ?? `p2p-${service.buildTarget}`)
    else if (service.image != null) published.add(service.image)
  }

  const stages = await readDockerfile()
  const bases = new Set([...targets.keys()].map((target) => stages.get(target)?.baseImage ?? `no stage ${target}`))
  const [base, ...others] = bases
  if (base == null || others.length > 0) throw new Error(`the services' stages must share one node base image, not ${[...bases].join(', ')}`)
  const version = await testedNodeVersion()
  const done = [`${base} with Node ${version} ${await ensureNodeImage(base, version)}`]
  for (const image of published) done.push(`${image} ${await ensureRedisImage(image)}`)

  const seconds = await buildServiceImages([...targets].map(([target, image]) => ({ target, image })))
  done.push(`built ${Object.entries(seconds).map(([target, took]) => `${target} in ${took} s`).join(', ')}`)
  return `${done.join('; ')} (${Math.round((Date.now() - started) / 1000)} s in all)`
}
