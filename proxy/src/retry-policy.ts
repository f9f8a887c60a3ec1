// What a failed attempt at one upstream means: whether that upstream is taken out of turn, and whether
// the request may go to another. The rule is that a request is sent again only when the upstream
// cannot have acted on it: the connection never opened (whatever the method: not one byte went out),
// or it opened and broke before any answer for a method that is safe to repeat, whose body (if any)
// has not started to flow. Once an answer has begun, nothing is sent again.

/** Methods a client may repeat without changing the outcome (RFC 9110, section 9.2.2). */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])

export interface FailedAttempt {
  method: string
  /** A connection to the upstream was open, so part of the request may have reached it. */
  connected: boolean
  /**
   * The connection was a kept-alive one from an earlier request. Its reset says nothing about the
   * upstream's health: the upstream may have closed it as idle just as this request went out.
   */
  reusedConnection: boolean
  /** The upstream had started its answer. */
  answered: boolean
  /** Some of the client's request body has been read, so it cannot be sent whole again. */
  bodyRead: boolean
  /** The upstream took the whole request and did not start its answer in time. */
  answerTimedOut: boolean
}

export interface Verdict {
  /** Send it nothing until a probe hears from it again. */
  takeOutOfTurn: boolean
  /** Send the request to another upstream, if one is in turn. */
  retry: boolean
}

export function judgeFailedAttempt (attempt: FailedAttempt): Verdict {
  // Dying mid-answer: the client's connection is cut (it already has a partial answer); the
  // upstream's next connection tells whether it is down.
  if (attempt.answered) return { takeOutOfTurn: false, retry: false }
  // Refused, unreachable, or not accepted in time: it never saw a byte.
  if (!attempt.connected) return { takeOutOfTurn: true, retry: true }
  // It has the request and says nothing: a stopped or stuck process. Sending the request again would
  // double the wait the client has already had.
  if (attempt.answerTimedOut) return { takeOutOfTurn: true, retry: false }
  // Reset before any answer byte.
  return {
    takeOutOfTurn: !attempt.reusedConnection,
    retry: IDEMPOTENT_METHODS.has(attempt.method) && !attempt.bodyRead
  }
}
