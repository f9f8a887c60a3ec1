import { describe, expect, it } from 'vitest'
import { describeIssues } from '../../src/runtime/validation-issues.js'

describe('describeIssues', () => {
  it('names each issue by the part of the request and the path inside it', () => {
    expect(describeIssues('body', [
      { instancePath: '/files/3/name', message: 'a file name must not contain path separators' },
      { instancePath: '', message: 'Invalid input' }
    ])).toBe('body.files[3].name: a file name must not contain path separators; body: Invalid input')
  })

  it('gives five examples of a long list, and counts the rest', () => {
    const issues = Array.from({ length: 8 }, (_, index) => ({ instancePath: `/files/${index}`, message: 'bad' }))
    expect(describeIssues('body', issues)).toBe(
      'body.files[0]: bad; body.files[1]: bad; body.files[2]: bad; body.files[3]: bad; body.files[4]: bad; and 3 more'
    )
  })
})
