// The one place that decides what a file name may be. Names are names, never paths: every service
// validates with this schema at its edge, and storage still refuses to build a path outside its folder.
import { z } from 'zod'

export const MAX_FILE_NAME_BYTES = 255

// C0 and C1 control characters, DEL, and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u
// Unicode format characters (category Cf): bidirectional controls that make 'rtl\u202Etxt.exe' show as
// 'rtlexe.txt', zero-width spaces and joiners that make two different names look the same.
const FORMAT_CHARACTERS = /\p{Cf}/u
// The one harmless use of a format character: a zero-width joiner between two emoji, which draws them
// as one (a family, a profession). It can neither disguise a letter nor reorder the text.
const EMOJI_JOINER = /(?<=\p{Extended_Pictographic}[\p{Mn}\p{Emoji_Modifier}]*)\u200d(?=\p{Extended_Pictographic})/gu
// Characters that are path separators on some platform, or that normalise to one.
const SEPARATORS = /[/\\]/u

/** Why a name is refused, or null when it is a valid, NFC-normalised file name. */
export function fileNameProblem (raw: string): string | null {
  const name = raw.normalize('NFC')
  if (name.length === 0) return 'a file name must not be empty'
  if (Buffer.byteLength(name, 'utf8') > MAX_FILE_NAME_BYTES) return `a file name must be at most ${MAX_FILE_NAME_BYTES} bytes of UTF-8`
  if (CONTROL_CHARACTERS.test(name)) return 'a file name must not contain control characters'
  if (FORMAT_CHARACTERS.test(name.replace(EMOJI_JOINER, ''))) {
    return 'a file name must not contain invisible format characters (bidirectional controls, zero-width spaces or joiners)'
  }
  // NFKC folds look-alikes such as the fullwidth solidus or the two-dot leader into '/' and '..',
  // so a name that only looks harmless is judged by what it would become on a lenient system too.
  const folded = name.normalize('NFKC')
  if (SEPARATORS.test(name) || SEPARATORS.test(folded)) return 'a file name must not contain path separators'
  // Names never become paths here (storage is content-addressed), so dots inside a name are harmless
  // ('release..notes.txt'); only the two names that mean "this folder" and "its parent" are refused.
  if (name === '.' || name === '..' || folded === '.' || folded === '..') return "a file name must not be '.' or '..'"
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
  .meta({ description: "A file name: no path separators, not '.' or '..', no control or invisible format characters, at most 255 bytes of UTF-8" })

export function isValidFileName (raw: string): boolean {
  return fileNameProblem(raw) == null
}
