#!/usr/bin/env node
// The `p2p` command: runs the compiled command line in ../dist (build it with `npm run build` at the
// repository's root). Plain JavaScript, so it needs no TypeScript tooling to start.
try {
  await import('../dist/cli/main.js')
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    process.stderr.write('p2p: the command line is not built yet: run `npm run build` at the repository\'s root\n')
    process.exit(1)
  }
  throw err
}
