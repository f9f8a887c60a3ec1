import { defineConfig } from 'vitest/config'

// Workspaces export their compiled dist/ by default and their TypeScript under the 'source'
// condition: tests run the source, as tsx does with --conditions=source.
const SOURCE_CONDITIONS = ['source', 'node', 'import', 'default']

export default defineConfig({
  ssr: { resolve: { conditions: SOURCE_CONDITIONS } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['*/test/**/*.test.ts'],
          testTimeout: 20_000
        }
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          // End-to-end tests start real processes; give them room on a shared 2-core machine.
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false
        }
      }
    ]
  }
})
