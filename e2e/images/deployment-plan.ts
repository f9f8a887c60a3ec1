// The .env of each machine the image tests run on this one host: what an operator writes on each
// machine of a real deployment (docs/deployment.md), plus what separate machines would not need to
// set because they would not share a host: the published ports and the container subnet.
// Machines reach each other as separate machines do: at this host's address and the published
// ports, through podman's port forwarding, never over a shared container network.
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import { freePort } from '@p2p/test-support'
import { podman } from './podman.js'

/** Shortened from the 5 s default so that copies are ordered within a second or two. */
const HEARTBEAT_INTERVAL_MS = 1000

export interface PeerPlan {
  id: string
  httpPort: number
  grpcPort: number
  env: Record<string, string>
}

export interface DeploymentPlan {
  /** This host's address, which every machine publishes its ports on. */
  address: string
  central: { httpPort: number, env: Record<string, string> }
  peers: PeerPlan[]
}

/** The first IPv4 address of this host that is not loopback: what other machines would dial. */
function hostAddress (): string {
  for (const addresses of Object.values(os.networkInterfaces())) {
    const found = addresses?.find((entry) => entry.family === 'IPv4' && !entry.internal)
    if (found != null) return found.address
  }
  throw new Error('this host has no IPv4 address but loopback: the machines publish their ports on one')
}

/** `count` /24 subnets of 172.30.0.0/16 that no podman network uses, one per machine. */
async function freeSubnets (count: number): Promise<string[]> {
  const networks = JSON.parse(await podman(['network', 'ls', '--format', 'json'])) as Array<{ subnets?: Array<{ subnet: string }> | null }>
  const used = new Set(networks.flatMap((network) => (network.subnets ?? []).map((entry) => entry.subnet)))
  const free: string[] = []
  for (let third = 241; third < 255 && free.length < count; third++) {
    const subnet = `172.30.${third}.0/24`
    if (!used.has(subnet)) free.push(subnet)
  }
  if (free.length < count) throw new Error('no free 172.30.241-254.0/24 subnets for the machines\' networks')
  return free
}

/** `count` different ports that nothing listens on now. */
async function freePorts (count: number): Promise<number[]> {
  const ports = new Set<number>()
  // The OS rarely hands out the same free port twice in a row; a bounded number of tries covers it.
  for (let tries = 0; ports.size < count && tries < count * 10; tries++) ports.add(await freePort())
  if (ports.size < count) throw new Error(`could not find ${count} free ports`)
  return [...ports]
}

export async function planDeployment (peerCount: number): Promise<DeploymentPlan> {
  const address = hostAddress()
  const secret = randomBytes(32).toString('hex')
  const [centralSubnet = '', ...peerSubnets] = await freeSubnets(1 + peerCount)
  const [centralPort = 0, ...peerPorts] = await freePorts(1 + 2 * peerCount)
  const peers: PeerPlan[] = []
  for (let i = 0; i < peerCount; i++) {
    const id = `peer-${i + 1}`
    const httpPort = peerPorts[2 * i] ?? 0
    const grpcPort = peerPorts[2 * i + 1] ?? 0
    peers.push({
      id,
      httpPort,
      grpcPort,
      env: {
        CLUSTER_SECRET: secret,
        CENTRAL_HOST: `${address}:${centralPort}`,
        PUBLIC_HOST: address,
        PEER_ID: id,
        // The central places an upload on the peer with the most free space: peer 1.
        CAPACITY_BYTES: i === 0 ? '2GiB' : '1GiB',
        HTTP_PORT: String(httpPort),
        GRPC_PORT: String(grpcPort),
        DOCKER_SUBNET: peerSubnets[i] ?? ''
      }
    })
  }
  return {
    address,
    central: {
      httpPort: centralPort,
      env: { CLUSTER_SECRET: secret, HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_INTERVAL_MS), HTTP_PORT: String(centralPort), DOCKER_SUBNET: centralSubnet }
    },
    peers
  }
}
