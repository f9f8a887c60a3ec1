// The packages a service's code loads at run time: every bare `import ... from`, `export ... from`
// and `import()` under its src/ folders, type-only imports left out (tsx erases them). An image
// installs only production dependencies, so each of these must be one; in the repository every
// package is installed, so without this check a missing one would show only in the image.
import { readdir, readFile } from 'node:fs/promises'
import { builtinModules } from 'node:module'
import path from 'node:path'

// Groups: 1 `type ` of a type-only import or export; 2 its specifier; 3 a dynamic or side-effect import's.
const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|(?:import\(\s*|(?:^|\n)\s*import\s+)['"]([^'"]+)['"]/g

export async function packagesImportedBy (dirs: string[]): Promise<Set<string>> {
  const packages = new Set<string>()
  for (const dir of dirs) {
    for (const file of await sourceFiles(dir)) {
      for (const match of (await readFile(file, 'utf8')).matchAll(SPECIFIER)) {
        if (match[1] != null) continue
        const name = packageName(match[2] ?? match[3] ?? '')
        if (name != null) packages.add(name)
      }
    }
  }
  return packages
}

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`); null for relative and node: ones. */
function packageName (specifier: string): string | null {
  if (specifier === '' || specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null
  if (builtinModules.includes(specifier.split('/')[0] ?? '')) return null
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0] ?? null
}

async function sourceFiles (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries
    .filter((entry) => entry.isFile() && /\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
}
