// Short-lived tickets the central signs for each placement and each download it hands out. A pserver
// accepts an upload or a download only with a ticket that names it, the file and (for uploads) the
// size. Tickets are JWTs (HS256) signed with a key derived from the cluster secret.
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose'
import { z } from 'zod'
import { byteCountSchema, peerIdSchema, sha256Schema } from '../contracts/central-api.js'
import { fileNameSchema } from '../contracts/file-name.js'

export const DEFAULT_TICKET_TTL_MS = 5 * 60_000

const ISSUER = 'p2p-central'

const ticketClaimsSchema = z.object({
  kind: z.enum(['upload', 'download']),
  name: fileNameSchema,
  size: byteCountSchema,
  /** Known for downloads; for uploads only when the uploader knew it in advance. */
  sha256: sha256Schema.optional()
})

export type TicketClaims = z.infer<typeof ticketClaimsSchema>

export interface VerifiedTicket extends TicketClaims {
  /** The peers the ticket is good for. */
  peers: string[]
}

export type TicketErrorReason = 'invalid' | 'expired' | 'wrong-peer' | 'wrong-kind'

export class TicketError extends Error {
  constructor (readonly reason: TicketErrorReason, message: string) {
    super(message)
    this.name = 'TicketError'
  }
}

export async function issueTicket (key: Uint8Array, claims: TicketClaims, peers: string[], ttlMs = DEFAULT_TICKET_TTL_MS, now = Date.now()): Promise<string> {
  const valid = ticketClaimsSchema.parse(claims)
  return await new SignJWT({ ...valid })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(z.array(peerIdSchema).min(1).parse(peers))
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor((now + ttlMs) / 1000))
    .sign(key)
}

/** Verifies a ticket for `peerId` and `kind`; throws TicketError saying why it is refused. */
export async function verifyTicket (key: Uint8Array, token: string, expected: { peerId: string, kind: TicketClaims['kind'] }, now = Date.now()): Promise<VerifiedTicket> {
  let payload: Record<string, unknown>
  try {
    ({ payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'], currentDate: new Date(now) }))
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new TicketError('expired', 'the transfer ticket has expired')
    throw new TicketError('invalid', 'the transfer ticket is not valid for this cluster')
  }
  const claims = ticketClaimsSchema.safeParse(payload)
  const audience = payload.aud
  const peers = typeof audience === 'string' ? [audience] : Array.isArray(audience) ? audience.filter((p): p is string => typeof p === 'string') : []
  if (!claims.success) throw new TicketError('invalid', 'the transfer ticket is malformed')
  if (!peers.includes(expected.peerId)) throw new TicketError('wrong-peer', `the transfer ticket is not for peer ${expected.peerId}`)
  if (claims.data.kind !== expected.kind) throw new TicketError('wrong-kind', `the transfer ticket is for an ${claims.data.kind}, not an ${expected.kind}`)
  return { ...claims.data, peers }
}
