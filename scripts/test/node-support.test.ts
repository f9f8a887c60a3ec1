// The project says which Node versions it supports in one place (package.json engines); every locked
// dependency, the images and the README must agree with it, so `npm ci` installs without EBADENGINE
// warnings and nobody is promised a Node version that a dependency refuses.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import semver from 'semver'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as T

const supported = readJson<{ engines: { node: string } }>('package.json').engines.node

describe('supported Node versions', () => {
  it('are a valid range that the Node running the tests is in', () => {
    expect(semver.validRange(supported)).not.toBeNull()
    expect(semver.satisfies(process.version, supported), `${process.version} against ${supported}`).toBe(true)
  })

  it('are accepted by every locked package that declares the Node versions it runs on', () => {
    const lock = readJson<{ packages: Record<string, { version?: string, engines?: { node?: string } | string[] }> }>('package-lock.json')
    const refusing = Object.entries(lock.packages).flatMap(([where, entry]) => {
      const engines = entry.engines
      const node = engines != null && !Array.isArray(engines) ? engines.node : undefined
      if (node == null || semver.subset(supported, node)) return []
      return [`${where}@${entry.version ?? '?'} wants node ${node}`]
    })
    expect(refusing).toEqual([])
  })

  it('are what the README and the images say', () => {
    const minimum = semver.minVersion(supported)
    if (minimum == null) throw new Error(`no minimum in ${supported}`)
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    expect(readme).toContain(`Needs Node ${minimum.major}.${minimum.minor} or newer`)
    const from = /^FROM node:(\d+)/m.exec(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'))
    expect(from, 'the Dockerfile starts from an official Node image').not.toBeNull()
    expect(semver.intersects(`${from?.[1] ?? '0'}.x`, supported), `node:${from?.[1] ?? '?'} against ${supported}`).toBe(true)
  })
})
