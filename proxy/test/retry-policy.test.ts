import { describe, expect, it } from 'vitest'
import { judgeFailedAttempt } from '../src/retry-policy.js'
import type { FailedAttempt } from '../src/retry-policy.js'

const refused: FailedAttempt = { method: 'POST', connected: false, reusedConnection: false, answered: false, bodyRead: false, answerTimedOut: false }
const reset: FailedAttempt = { ...refused, connected: true }

describe('judgeFailedAttempt', () => {
  it('sends any request elsewhere when its connection never opened, and leaves the upstream out', () => {
    for (const method of ['GET', 'POST', 'PATCH']) {
      expect(judgeFailedAttempt({ ...refused, method })).toEqual({ takeOutOfTurn: true, retry: true })
    }
  })

  it('after a reset before any answer, sends again only an idempotent request whose body has not started', () => {
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']) {
      expect(judgeFailedAttempt({ ...reset, method })).toEqual({ takeOutOfTurn: true, retry: true })
      expect(judgeFailedAttempt({ ...reset, method, bodyRead: true })).toEqual({ takeOutOfTurn: true, retry: false })
    }
    for (const method of ['POST', 'PATCH']) {
      expect(judgeFailedAttempt({ ...reset, method })).toEqual({ takeOutOfTurn: true, retry: false })
    }
  })

  it('does not hold the reset of a kept-alive connection against the upstream: it may have closed it as idle', () => {
    expect(judgeFailedAttempt({ ...reset, method: 'GET', reusedConnection: true })).toEqual({ takeOutOfTurn: false, retry: true })
    expect(judgeFailedAttempt({ ...reset, reusedConnection: true })).toEqual({ takeOutOfTurn: false, retry: false })
  })

  it('never sends again once the upstream has started answering, or has taken the request and timed out', () => {
    expect(judgeFailedAttempt({ ...reset, method: 'GET', answered: true })).toEqual({ takeOutOfTurn: false, retry: false })
    expect(judgeFailedAttempt({ ...reset, method: 'GET', answerTimedOut: true })).toEqual({ takeOutOfTurn: true, retry: false })
  })
})
