// Reads Prometheus' text exposition format (what GET /metrics answers) into samples, strictly: a line
// that is not a comment, a HELP or TYPE line, or a well-formed sample is an error. Written here because
// the npm parser there is (parse-prometheus-text-format) folds every labelled histogram series into
// one and drops their counts and sums; promtool (promtool.ts) is the reference check where installed.
// The format: https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface Exposition {
  samples: Sample[]
  /** Each family's TYPE: counter, gauge, histogram, summary or untyped. */
  types: Map<string, string>
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(.*)\\})?\\s+(\\S+)(?:\\s+(-?\\d+))?$`)
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`)
const HELP_LINE = new RegExp(`^# HELP ${NAME}( .*)?$`)

export function parseExposition (text: string): Exposition {
  const samples: Sample[] = []
  const types = new Map<string, string>()
  for (const [index, line] of text.split('\n').entries()) {
    const fail = (why: string): never => { throw new Error(`line ${index + 1} ${why}: ${line}`) }
    if (line.trim() === '') continue
    if (line.startsWith('#')) {
      const type = TYPE_LINE.exec(line)
      if (type != null) types.set(type[1] ?? '', type[2] ?? '')
      else if (line.startsWith('# TYPE') || (line.startsWith('# HELP') && !HELP_LINE.test(line))) fail('is a malformed TYPE or HELP line')
      continue
    }
    const match = SAMPLE_LINE.exec(line) ?? fail('is not a sample')
    const value = parseValue(match[3] ?? '') ?? fail('has no number for its value')
    samples.push({ name: match[1] ?? '', labels: parseLabels(match[2] ?? '') ?? fail('has malformed labels'), value })
  }
  return { samples, types }
}

/** A Go float, as Prometheus reads it: special values in any case (prom-client writes NaN as "Nan"). */
function parseValue (text: string): number | null {
  const special = text.toLowerCase()
  if (special === '+inf' || special === 'inf') return Infinity
  if (special === '-inf') return -Infinity
  if (special === 'nan') return NaN
  const value = Number(text)
  return text !== '' && !Number.isNaN(value) ? value : null
}

function parseLabels (text: string): Record<string, string> | null {
  const labels: Record<string, string> = {}
  LABEL.lastIndex = 0
  while (LABEL.lastIndex < text.length) {
    const at = LABEL.lastIndex
    const match = LABEL.exec(text)
    if (match == null || LABEL.lastIndex === at) return null
    labels[match[1] ?? ''] = (match[2] ?? '').replace(/\\(.)/g, (_, char: string) => char === 'n' ? '\n' : char)
  }
  return labels
}

/** The sum of the samples named `name` whose labels include `labels`; 0 when there is none. */
export function valueOf (exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  return exposition.samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0)
}

/** Whether any sample is named `name` (with `labels` among its labels). */
export function hasSample (exposition: Exposition, name: string, labels: Record<string, string> = {}): boolean {
  return exposition.samples.some((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
}
