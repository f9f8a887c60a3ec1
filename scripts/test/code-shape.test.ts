// The shape the code keeps so that it stays easy to change (docs/architecture.md, "Code shape"):
// small files and functions, no import cycles, each service's tests inside their own service, and no
// block of code written twice. These read the source as text and syntax trees; nothing runs.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const SERVICES = ['proto', 'central-server', 'pserver', 'pclient', 'proxy']
/** Packages a service's tests may import besides their own service. */
const SHARED_FOR_TESTS = ['proto', 'test-support']
const MAX_FILE_LINES = 300
const MAX_FUNCTION_LINES = 120

function filesUnder (dir: string, keep: (file: string) => boolean): string[] {
  const absolute = path.join(ROOT, dir)
  let entries: string[]
  try {
    entries = readdirSync(absolute, { recursive: true, encoding: 'utf8' })
  } catch {
    return []
  }
  return entries
    .map((entry) => path.join(dir, entry))
    .filter((file) => !file.includes('node_modules') && !file.includes(`${path.sep}generated${path.sep}`) && keep(file))
    .sort()
}

const isSource = (file: string): boolean => /\.(ts|mts|mjs|js)$/.test(file) && !file.endsWith('.d.ts')
const sourceFiles = SERVICES.flatMap((service) => filesUnder(path.join(service, 'src'), isSource))
const lineCount = (file: string): number => readFileSync(path.join(ROOT, file), 'utf8').split('\n').length

function parse (file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true)
}

/** Every function in a file with its first line and its length in lines. */
function functionLengths (file: string): Array<{ where: string, lines: number }> {
  const source = parse(file)
  const found: Array<{ where: string, lines: number }> = []
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body != null) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line
      found.push({ where: `${file}:${first + 1}`, lines: last - first + 1 })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** The module specifiers a file imports or re-exports, type-only ones included, and dynamic imports. */
function importsOf (file: string): string[] {
  const specifiers: string[] = []
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier != null && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text)
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] != null && ts.isStringLiteral(node.arguments[0])) {
      specifiers.push(node.arguments[0].text)
    }
    ts.forEachChild(node, visit)
  }
  visit(parse(file))
  return specifiers
}

/** A relative specifier as the repository path it names ('./a.js' is './a.ts' on disk). */
function resolveRelative (from: string, specifier: string): string {
  return path.normalize(path.join(path.dirname(from), specifier)).replace(/\.js$/, '.ts')
}

function findCycle (graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>()
  const trail: string[] = []
  const walk = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null
    if (state.get(node) === 'open') return [...trail.slice(trail.indexOf(node)), node]
    state.set(node, 'open')
    trail.push(node)
    for (const next of graph.get(node) ?? []) {
      const cycle = walk(next)
      if (cycle != null) return cycle
    }
    trail.pop()
    state.set(node, 'done')
    return null
  }
  for (const node of graph.keys()) {
    const cycle = walk(node)
    if (cycle != null) return cycle
  }
  return null
}

describe('the code shape', () => {
  it('finds the source files it checks', () => {
    for (const service of SERVICES) expect(sourceFiles.some((file) => file.startsWith(`${service}${path.sep}`)), service).toBe(true)
  })

  it(`keeps every source file of the services and proto/ at ${MAX_FILE_LINES} lines or fewer`, () => {
    const long = sourceFiles.map((file) => ({ file, lines: lineCount(file) })).filter(({ lines }) => lines > MAX_FILE_LINES)
    expect(long).toEqual([])
  })

  it(`keeps every function at ${MAX_FUNCTION_LINES} lines or fewer`, () => {
    const long = sourceFiles.filter((file) => /\.(ts|mts)$/.test(file)).flatMap(functionLengths).filter(({ lines }) => lines > MAX_FUNCTION_LINES)
    expect(long).toEqual([])
  })

  it('has no import cycle in any service, type-only imports included', () => {
    const graph = new Map<string, string[]>()
    for (const file of sourceFiles) {
      graph.set(file, importsOf(file).filter((specifier) => specifier.startsWith('.')).map((specifier) => resolveRelative(file, specifier)))
    }
    expect(findCycle(graph)).toBeNull()
  })

  it('lets proto/ import no service', () => {
    const outward = sourceFiles.filter((file) => file.startsWith(`proto${path.sep}`))
      .flatMap((file) => importsOf(file).filter((specifier) => specifier.startsWith('@p2p/') || specifier.startsWith('../..')).map((specifier) => `${file}: ${specifier}`))
    expect(outward).toEqual([])
  })

  it("keeps each service's tests to their own service, proto/ and the shared test support", () => {
    const strays: string[] = []
    for (const service of SERVICES) {
      for (const file of filesUnder(path.join(service, 'test'), isSource)) {
        for (const specifier of importsOf(file)) {
          const target = specifier.startsWith('.') ? resolveRelative(file, specifier).split(path.sep)[0] : /^@p2p\/([^/]+)/.exec(specifier)?.[1]
          const allowed = target == null || target === service || SHARED_FOR_TESTS.includes(target)
          if (!allowed) strays.push(`${file}: ${specifier}`)
        }
      }
    }
    expect(strays).toEqual([])
  })

  it("keeps end-to-end tests and the benchmark out of the services' src/ and test/ folders", () => {
    const strays = ['e2e', 'bench'].flatMap((dir) => filesUnder(dir, isSource)).flatMap((file) => importsOf(file)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolveRelative(file, specifier).split(path.sep))
      .filter(([top, room]) => SERVICES.includes(top!) && (room === 'src' || room === 'test'))
      .map((parts) => `${file}: ${parts.join('/')}`))
    expect(strays).toEqual([])
  })

  it('answers each question of "Where to find it" in docs/architecture.md with one file under 200 lines', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'architecture.md'), 'utf8')
    const section = /## Where to find it\n([\s\S]*?)\n## /.exec(doc)?.[1] ?? ''
    const answers = [...section.matchAll(/^\| [^|]+\? \| `([^`]+)` \|$/gm)].map((match) => match[1]!)
    expect(answers.length).toBeGreaterThanOrEqual(7)
    const tooLong = answers.filter((file) => lineCount(file) >= 200)
    expect(tooLong).toEqual([])
  })

  it('writes no block of code twice in the services, proto/ and the page script (jscpd, 6 lines or more)', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'p2p-jscpd-'))
    try {
      const ignore = ['**/node_modules/**', '**/generated/**', '**/test/**', 'e2e/**', 'bench/**', 'scripts/**', 'test-support/**'].join(',')
      // 60 tokens rather than jscpd's 50: a shorter run is a list of method signatures that a client
      // and a server of one API both spell (CentralClient and the central's Directory).
      execFileSync(path.join(ROOT, 'node_modules', '.bin', 'jscpd'), [
        '--min-lines', '6', '--min-tokens', '60', '--format', 'typescript,javascript', '--ignore', ignore, '--reporters', 'json', '--output', out, '.'
      ], { cwd: ROOT, stdio: 'pipe' })
      const report = JSON.parse(readFileSync(path.join(out, 'jscpd-report.json'), 'utf8')) as {
        duplicates: Array<{ lines: number, firstFile: { name: string, start: number }, secondFile: { name: string, start: number } }>
      }
      const pairs = report.duplicates.map((clone) => `${clone.firstFile.name}:${clone.firstFile.start} ~ ${clone.secondFile.name}:${clone.secondFile.start} (${clone.lines} lines)`)
      expect(pairs).toEqual([])
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  })
})
