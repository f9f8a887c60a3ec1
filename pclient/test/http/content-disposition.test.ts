import { describe, expect, it } from 'vitest'
import { asciiFallback, contentDisposition, encodeRfc5987 } from '../../src/http/content-disposition.js'

describe('contentDisposition', () => {
  it('keeps a plain ASCII name as is in both forms', () => {
    expect(contentDisposition('report.pdf')).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`)
  })

  it('gives an ASCII fallback and the exact UTF-8 name in filename*', () => {
    const header = contentDisposition('naïve résumé €.txt')
    expect(header).toBe(`attachment; filename="na_ve r_sum_ _.txt"; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9%20%E2%82%AC.txt`)
    const encoded = /filename\*=UTF-8''(.*)$/.exec(header)?.[1] ?? ''
    expect(decodeURIComponent(encoded)).toBe('naïve résumé €.txt')
  })

  it('never lets a quote, backslash or percent sign into the quoted fallback', () => {
    expect(asciiFallback('a "b" \\c %41.txt')).toBe('a _b_ _c _41.txt')
    const header = contentDisposition('a "b".txt')
    expect(header.startsWith('attachment; filename="a _b_.txt"; ')).toBe(true)
  })

  it('percent-encodes the characters RFC 5987 does not allow bare', () => {
    expect(encodeRfc5987("it's (a) *#1 ?%.txt")).toBe('it%27s%20%28a%29%20%2A%231%20%3F%25.txt')
    expect(decodeURIComponent(encodeRfc5987("it's (a) *#1 ?%.txt"))).toBe("it's (a) *#1 ?%.txt")
  })

  it('encodes characters outside the BMP as their UTF-8 bytes', () => {
    expect(encodeRfc5987('😀.png')).toBe('%F0%9F%98%80.png')
    expect(asciiFallback('😀.png')).toBe('_.png')
  })
})
