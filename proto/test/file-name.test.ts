import { describe, expect, it } from 'vitest'
import { fileNameProblem, fileNameSchema, MAX_FILE_NAME_BYTES } from '../src/file-name.js'

describe('file names', () => {
  it.each([
    'report.pdf', 'a #1 ?%.txt', 'über café.txt', '日本語.md', '.hidden', 'x'.repeat(MAX_FILE_NAME_BYTES)
  ])('accepts %j', (name) => {
    expect(fileNameProblem(name)).toBeNull()
  })

  it.each([
    ['', 'empty'],
    ['../x', 'separator'],
    ['..', 'dot-dot'],
    ['.', 'dot'],
    ['a/b', 'slash'],
    ['a\\b', 'backslash'],
    ['/etc/passwd', 'absolute'],
    ['a\u0000b', 'NUL'],
    ['a\nb', 'newline'],
    ['x'.repeat(MAX_FILE_NAME_BYTES + 1), 'too long'],
    ['é'.repeat(128), 'too long in UTF-8 bytes'],
    ['\uff0e\uff0e', 'fullwidth dots that fold to ..'],
    ['a\uff0fb', 'fullwidth solidus'],
    ['\u2025', 'two-dot leader that folds to ..'],
    [' padded ', 'surrounding white space']
  ])('refuses %j (%s)', (name) => {
    expect(fileNameProblem(name)).not.toBeNull()
    expect(fileNameSchema.safeParse(name).success).toBe(false)
  })

  it('normalises to NFC', () => {
    const decomposed = 'cafe\u0301.txt'
    expect(fileNameSchema.parse(decomposed)).toBe('caf\u00e9.txt')
  })
})
