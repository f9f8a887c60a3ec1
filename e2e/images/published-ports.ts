// Lets the machines' containers reach each other's published ports at this host's address, as
// separate machines reach each other's over the wire. On one host every machine's compose network
// is a podman network, and networks made through the Docker-compatible API are isolated from each
// other (netavark's NETAVARK_ISOLATION_1 chain, as Docker does): that would also drop a peer's
// connection to the central's published port once podman has forwarded it into the central's network.
// The rule added here lets through exactly those connections (to this host's address, forwarded to
// a published port: conntrack's DNAT state), first in the isolation chain. netavark puts the rules of
// each network it sets up first too, so the rule is added once every machine's network is up.
// Direct traffic between the networks stays dropped.
import { expectCommand, runCommand } from './command.js'
import { processAlive } from './podman.js'

const CHAIN = 'NETAVARK_ISOLATION_1'
/** The rule's comment names the test process, so that a killed run's rule can be told apart. */
const COMMENT_PREFIX = 'p2p-images-test-'

export interface PublishedPortsRule {
  /** Deletes the rule; never throws (netavark may have removed its chain already). */
  remove: () => Promise<void>
}

const iptables = async (args: string[]): Promise<{ code: number | null, stdout: string }> => await runCommand(['iptables', ...args], { timeoutMs: 30_000 })

function ruleFor (hostAddress: string, pid: number): string[] {
  return ['-m', 'conntrack', '--ctstate', 'DNAT', '--ctorigdst', hostAddress, '-m', 'comment', '--comment', `${COMMENT_PREFIX}${pid}`, '-j', 'RETURN']
}

/** Adds the rule; call it once every machine's network is up. */
export async function allowPublishedPortsAcrossNetworks (hostAddress: string): Promise<PublishedPortsRule> {
  await removeLeftoverRules()
  // No chain: podman does not isolate its networks here, and nothing needs letting through.
  if ((await iptables(['-S', CHAIN])).code !== 0) return { remove: async () => {} }
  const rule = ruleFor(hostAddress, process.pid)
  await expectCommand(['iptables', '-I', CHAIN, '1', ...rule], { timeoutMs: 30_000 })
  return { remove: async () => { await iptables(['-D', CHAIN, ...rule]).catch(() => {}) } }
}

/** Deletes the rules of test runs whose process is gone (killed before their clean-up). */
async function removeLeftoverRules (): Promise<void> {
  const listed = await iptables(['-S', CHAIN])
  if (listed.code !== 0) return
  for (const line of listed.stdout.split('\n')) {
    const owner = new RegExp(`--comment "?${COMMENT_PREFIX}(\\d+)"?`).exec(line)
    if (owner == null || processAlive(Number(owner[1]))) continue
    const spec = line.replace(/^-A \S+ /, '').replaceAll('"', '').split(' ')
    await iptables(['-D', CHAIN, ...spec])
  }
}
