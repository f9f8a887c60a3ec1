// `npm run operator-token`: prints the operator's delete token, good for deleting any file
// (`DELETE /files/{name}` with it in the X-Delete-Token header). It is derived from CLUSTER_SECRET in the
// environment, checked by the rule the services apply to it, so it is the token the central accepts;
// nothing is sent anywhere. Without a usable secret it says why on stderr and exits with 1.
import { clusterSecretSchema, operatorDeleteToken } from '@p2p/proto/directory'

const HINT = 'set it to the network\'s cluster secret, the one its central runs with: CLUSTER_SECRET=... npm run operator-token'

function fail (problem: string): never {
  process.stderr.write(`CLUSTER_SECRET: ${problem}\n  ${HINT}\n`)
  process.exit(1)
}

const secret = process.env.CLUSTER_SECRET ?? ''
if (secret === '') fail('not set')
const checked = clusterSecretSchema.safeParse(secret)
if (!checked.success) fail(checked.error.issues.map((issue) => issue.message).join('; '))
process.stdout.write(`${operatorDeleteToken(secret)}\n`)
