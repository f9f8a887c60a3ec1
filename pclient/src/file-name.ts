// Turns a file name from outside (a multipart filename, a CLI argument) into a valid one, or refuses it.
// Names are never sanitised silently: a name that is not valid as given is an error.
import { fileNameProblem } from '@p2p/proto'
import { BadNameError } from './errors.js'

/** The name, NFC-normalised; throws PCLIENT_BAD_NAME when it is not a valid file name. */
export function parseFileName (raw: string): string {
  const problem = fileNameProblem(raw)
  if (problem != null) throw new BadNameError(problem)
  return raw.normalize('NFC')
}
