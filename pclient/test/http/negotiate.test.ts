import { describe, expect, it } from 'vitest'
import { prefersHtml } from '../../src/http/negotiate.js'

describe('prefersHtml', () => {
  it('answers browsers with HTML', () => {
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8')).toBe(true)
    expect(prefersHtml('text/html')).toBe(true)
  })

  it('answers scripts with JSON', () => {
    expect(prefersHtml(undefined)).toBe(false)
    expect(prefersHtml('*/*')).toBe(false)
    expect(prefersHtml('application/json')).toBe(false)
    expect(prefersHtml('application/json, text/html;q=0.5')).toBe(false)
    expect(prefersHtml('text/html;q=0')).toBe(false)
  })

  it('lets an explicit text/html win a tie', () => {
    expect(prefersHtml('application/json, text/html')).toBe(true)
  })
})
