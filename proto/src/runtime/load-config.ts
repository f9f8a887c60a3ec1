// Reading a service's configuration from the environment: parsed once with the service's zod schema,
// and anything wrong reported in one error that lists every bad variable, so an operator fixes them
// all in one go instead of one restart at a time.
import type { z } from 'zod'

export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

/** A problem a schema cannot see on its own, such as one variable requiring another. */
export interface ConfigProblem {
  variable: string
  message: string
}

/**
 * Parses `env` with `schema`; throws one ConfigError listing every bad variable, the schema's issues
 * and `problems` alike. Only a variable's name and the schema's fixed message are shown: an issue's
 * input (a secret, say) never is.
 */
export function parseEnv<S extends z.ZodType> (service: string, schema: S, env: NodeJS.ProcessEnv, problems: ConfigProblem[] = []): z.output<S> {
  const parsed = schema.safeParse(env)
  const lines = parsed.success ? [] : parsed.error.issues.map((issue) => `  ${issue.path.map(String).join('.') || '(environment)'}: ${issue.message}`)
  for (const problem of problems) lines.push(`  ${problem.variable}: ${problem.message}`)
  if (!parsed.success || lines.length > 0) throw new ConfigError(`invalid ${service} configuration:\n${lines.join('\n')}`)
  return parsed.data
}

/** Loads the configuration, or prints why it cannot and exits with 1: a service never starts half-configured. */
export function loadConfigOrExit<T> (load: () => T): T {
  try {
    return load()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    process.stderr.write(`${err.message}\n`)
    process.exit(1)
  }
}
