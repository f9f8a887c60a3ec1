import { describe, expect, it } from 'vitest'
import { fileNameProblem, fileNameSchema, MAX_FILE_NAME_BYTES } from '../../src/contracts/file-name.js'

describe('file names', () => {
  it.each([
    'report.pdf', 'a #1 ?%.txt', 'über café.txt', '日本語.md', '.hidden', 'x'.repeat(MAX_FILE_NAME_BYTES),
    // Dots inside a name are not a path: only '.' and '..' as whole names mean a folder.
    'release..notes.txt', '...txt', 'a..b', '...',
    // A zero-width joiner between emoji draws one emoji (a family); it hides nothing.
    'family \u{1F468}\u200d\u{1F469}\u200d\u{1F467}.png', 'cook \u{1F469}\u{1F3FD}\u200d\u{1F373}.jpg'
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
    [' padded ', 'surrounding white space'],
    ['rtl\u202Etxt.exe', 'right-to-left override: shows as rtlexe.txt'],
    ['a\u200Bb.txt', 'zero-width space'],
    ['\u2066x.txt\u2069', 'left-to-right isolate'],
    ['x\u200Dy.txt', 'zero-width joiner between letters'],
    ['\uFEFFbom.txt', 'byte order mark'],
    ['soft\u00ADhyphen.txt', 'soft hyphen']
  ])('refuses %j (%s)', (name) => {
    expect(fileNameProblem(name)).not.toBeNull()
    expect(fileNameSchema.safeParse(name).success).toBe(false)
  })

  it('names the rule that a format character breaks', () => {
    expect(fileNameProblem('rtl\u202Etxt.exe')).toMatch(/invisible format characters/)
  })

  it('normalises to NFC', () => {
    const decomposed = 'cafe\u0301.txt'
    expect(fileNameSchema.parse(decomposed)).toBe('caf\u00e9.txt')
  })
})
