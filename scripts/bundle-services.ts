// The second half of `npm run build`: after tsc has compiled every workspace to dist/, esbuild joins
// each service's compiled JavaScript and its dependencies into one file,
// <service>/dist/bundle/server.mjs (with a chunk beside it for what the service imports only when it
// needs it), which the images and the compiled test runs start (serviceEntry in lib/service-runtime.ts).
//
// Why one file: an idle service's memory is mostly code. Loaded module by module, a service keeps
// every file's full source in V8's heap (zod alone ships 95 files, 50 of them locales) and touches
// more of Node's module loader. Bundled, minified and tree-shaken, the idle pclient keeps 15 MiB of
// V8's heap instead of 23, and on jemalloc idles at 70 MiB instead of 85 (docs/performance.md,
// "One file per service, and jemalloc").
//
// The bundle sits beside the files it was made from, which stay where tsc and npm put them: the
// .proto file, the Lua scripts, the page's templates, the hashing thread and the few dependencies that
// read files beside their own code (Swagger UI's assets, gRPC's channelz protos) are found at run time
// exactly where the unbundled code would look (`fileLocations` below).
import { readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { build, type Plugin } from 'esbuild'
import { REPO_ROOT, serviceEntry, type ServiceName } from './lib/service-runtime.js'

const SERVICES: ServiceName[] = ['central-server', 'pserver', 'pclient', 'proxy']

// An ES module bundle has no `require`, `__dirname` or `__filename` of its own: the CommonJS
// dependencies inside it get Node's `require` from here, and every bundled file that asks where it is
// gets its original location (below), resolved against the bundle's own folder when it runs.
const BANNER = [
  "import { createRequire as __bundleCreateRequire } from 'node:module';",
  "import { fileURLToPath as __bundleFileURLToPath, pathToFileURL as __bundlePathToFileURL } from 'node:url';",
  "import { join as __bundleJoin } from 'node:path';",
  'const require = __bundleCreateRequire(import.meta.url);',
  'const __bundleDir = __bundleFileURLToPath(new URL(".", import.meta.url));',
  'const __bundlePath = (relative) => __bundleJoin(__bundleDir, relative);',
  'const __bundleUrl = (relative) => __bundlePathToFileURL(__bundlePath(relative)).href;'
].join('\n')

/**
 * Gives each bundled file that locates itself (`import.meta.url`, `__dirname`, `__filename`) its own
 * original path, relative to the bundle, instead of the bundle's. Without it the central's Swagger UI
 * would look for its assets in central-server/dist/static, and the loader for filesharing.proto in
 * the wrong folder.
 */
function fileLocations (bundleDir: string): Plugin {
  return {
    name: 'file-locations',
    setup (builder) {
      builder.onLoad({ filter: /\.(m|c)?js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8')
        if (!/import\.meta\.url|__dirname|__filename/.test(source)) return undefined
        const file = JSON.stringify(path.relative(bundleDir, args.path))
        const dir = JSON.stringify(path.relative(bundleDir, path.dirname(args.path)))
        const located = source.replaceAll('import.meta.url', `__bundleUrl(${file})`)
        const declarations = /__dirname|__filename/.test(source) ? `var __filename = __bundlePath(${file}), __dirname = __bundlePath(${dir});\n` : ''
        return { contents: afterPrologue(located, declarations), loader: 'js', resolveDir: path.dirname(args.path) }
      })
    }
  }
}

/**
 * zod's 50 locales reduced to the English one zod sets itself: the services never choose another
 * (`z.config(z.locales.xx())`), and the rest were 300 KB of the bundle's source, kept in V8's heap.
 */
function englishOnlyZod (): Plugin {
  return {
    name: 'english-only-zod',
    setup (builder) {
      builder.onLoad({ filter: /[/\\]zod[/\\]v4[/\\]locales[/\\]index\.js$/ }, (args) => ({
        contents: "export { default as en } from './en.js';", loader: 'js', resolveDir: path.dirname(args.path)
      }))
    }
  }
}

/** `code` with `insert` after its directive prologue ('use strict' must stay the first statement). */
function afterPrologue (code: string, insert: string): string {
  if (insert === '') return code
  const prologue = /^(?:#![^\n]*\n)?(?:\s*(?:\/\/[^\n]*\n|\/\*[\s\S]*?\*\/))*\s*(?:(['"])use strict\1;?)?/.exec(code)
  const at = prologue?.[0].length ?? 0
  return `${code.slice(0, at)}\n${insert}${code.slice(at)}`
}

async function bundle (service: ServiceName): Promise<void> {
  const entry = path.join(REPO_ROOT, serviceEntry(service))
  const outdir = path.dirname(entry)
  await rm(outdir, { recursive: true, force: true })
  const result = await build({
    entryPoints: { [path.basename(entry, '.mjs')]: path.join(REPO_ROOT, service, 'dist', 'server.js') },
    outdir,
    outExtension: { '.js': '.mjs' },
    // What a service imports only when it needs it (the central's Redis store) stays in a file of
    // its own, read only by the process that imports it.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Whitespace and syntax only: function and class names stay readable in stack traces and logs.
    minifyWhitespace: true,
    minifySyntax: true,
    // The dependencies' licence comments go to <bundle>.LEGAL.txt, not into the heap with the code.
    legalComments: 'external',
    banner: { js: BANNER },
    plugins: [englishOnlyZod(), fileLocations(outdir)],
    logLevel: 'warning'
  })
  if (result.errors.length > 0) throw new Error(`bundling ${service} failed`)
}

await Promise.all(SERVICES.map(bundle))
