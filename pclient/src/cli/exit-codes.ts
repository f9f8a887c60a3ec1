// What `p2p` exits with, and the one error type its commands throw. Scripts branch on these numbers,
// so each kind of failure has its own, and --help and the README list them from EXIT_CODE_HELP.

export const ExitCode = {
  Ok: 0,
  /** Anything else: a local file in the way, an unreadable file, an answer the peer should not give. */
  Failed: 1,
  /** The command line itself was wrong (commander's own errors). */
  Usage: 2,
  NotFound: 3,
  NoRoom: 4,
  /** The network refused it: a name its rules forbid, a name already taken, a file too large. */
  Refused: 5,
  /** Bytes that do not match their SHA-256. */
  Integrity: 6,
  /** The peer's web client (or the network behind it) could not be reached. */
  Unreachable: 7,
  /** Deleting needs a delete token or the operator's token. */
  Forbidden: 8,
  /** Ctrl-C (128 + SIGINT, as shells report it). */
  Interrupted: 130
} as const

export type ExitCodeValue = typeof ExitCode[keyof typeof ExitCode]

export const EXIT_CODE_HELP = `Exit codes:
  0    success
  1    other failure (a local file in the way, an unreadable file, an unexpected answer)
  2    usage: an unknown command or option, a missing argument
  3    not found: no such file on the network (or it was lost or deleted), or no such local file
  4    no room: no peer has room for the file
  5    refused by the network: a forbidden name, a name already taken, a file too large
  6    integrity failure: the bytes do not match their SHA-256 (no file is left under the final name)
  7    the peer is unreachable (or the central or the holders behind it)
  8    forbidden: deleting needs the file's delete token or the operator's token
  130  interrupted (Ctrl-C); a download keeps its .part file for -c`

/** A failure a command reports as one sentence on stderr and ends the process with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: ExitCodeValue
  /** The peer's error code (PCLIENT_...), when the failure came from its answer. */
  readonly code: string | undefined

  constructor (exitCode: ExitCodeValue, message: string, options: { code?: string, cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'CliError'
    this.exitCode = exitCode
    this.code = options.code
  }
}

// By the code's meaning after its service prefix, so PCLIENT_FILE_NOT_FOUND and a bare FILE_NOT_FOUND agree.
const EXIT_BY_CODE: Record<string, ExitCodeValue> = {
  FILE_NOT_FOUND: ExitCode.NotFound,
  FILE_LOST: ExitCode.NotFound,
  FILE_DELETED: ExitCode.NotFound,
  NO_ROOM: ExitCode.NoRoom,
  BAD_NAME: ExitCode.Refused,
  FILE_EXISTS: ExitCode.Refused,
  TOO_LARGE: ExitCode.Refused,
  PEER_REFUSED: ExitCode.Refused,
  CROSS_SITE: ExitCode.Refused,
  DATA_LOSS: ExitCode.Integrity,
  CENTRAL_UNREACHABLE: ExitCode.Unreachable,
  PEER_UNREACHABLE: ExitCode.Unreachable,
  SHUTTING_DOWN: ExitCode.Unreachable,
  DELETE_FORBIDDEN: ExitCode.Forbidden
}

/** The exit code for an error code the peer answered with (PCLIENT_NO_ROOM -> 4). */
export function exitCodeOf (code: string): ExitCodeValue {
  return EXIT_BY_CODE[code.replace(/^PCLIENT_/, '')] ?? ExitCode.Failed
}
