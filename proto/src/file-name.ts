// The one place that decides what a file name may be. Names are names, never paths: every service
// validates with this schema at its edge, and storage still refuses to build a path outside its folder.
import { z } from 'zod'

export const MAX_FILE_NAME_BYTES = 255

// C0 and C1 control characters, DEL, and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u
// Characters that are path separators on some platform, or that normalise to one.
const SEPARATORS = /[/\\]/u

/** Why a name is refused, or null when it is a valid, NFC-normalised file name. */
export function fileNameProblem (raw: string): string | null {
  const name = raw.normalize('NFC')
  if (name.length === 0) return 'a file name must not be empty'
  if (Buffer.byteLength(name, 'utf8') > MAX_FILE_NAME_BYTES) return `a file name must be at most ${MAX_FILE_NAME_BYTES} bytes of UTF-8`
  if (CONTROL_CHARACTERS.test(name)) return 'a file name must not contain control characters'
  // NFKC folds look-alikes such as the fullwidth solidus or the one-dot leader into '/' and '.',
  // so a name that only looks harmless is judged by what it would become on a lenient system too.
  const folded = name.normalize('NFKC')
  if (SEPARATORS.test(name) || SEPARATORS.test(folded)) return 'a file name must not contain path separators'
  if (name === '.' || name === '..' || folded === '.' || folded === '..' || folded.includes('..')) {
    return "a file name must not be '.' or contain '..'"
  }
  if (name.trim() !== name) return 'a file name must not start or end with white space'
  return null
}

/** Validates a file name and yields it NFC-normalised (overwrite keeps it representable in OpenAPI). */
export const fileNameSchema = z
  .string()
  .min(1)
  .overwrite((raw) => raw.normalize('NFC'))
  .superRefine((name, ctx) => {
    const problem = fileNameProblem(name)
    if (problem != null) ctx.addIssue({ code: 'custom', message: problem })
  })
  .meta({ description: 'A file name: no path separators, no "..", no control characters, at most 255 bytes of UTF-8' })

export function isValidFileName (raw: string): boolean {
  return fileNameProblem(raw) == null
}
