import { isIP } from 'node:net';
import { z } from 'zod';
import { addAllocations as insertRows } from '@db/repositories/network-allocations';
import type { Executor } from '@db/client';
import { fromZod, validationError } from '../../http/errors';

/** At most this many ports in one command (Pterodactyl's AssignmentService allows 1000 per range). */
const MAX_PORTS = 5000;

/** Parses `25565`, `25565-25600` and comma lists of both; ports 1024–65535 (privileged ports stay the host's). */
export function parsePorts(raw: string): number[] {
  const ports = new Set<number>();
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
    const from = Number(m?.[1]);
    const to = m?.[2] === undefined ? from : Number(m[2]);
    if (!m || from < 1024 || to > 65535 || to < from) {
      throw validationError('ports', `"${part}" is not a port or range of ports between 1024 and 65535.`, 'port_range');
    }
    for (let p = from; p <= to; p++) ports.add(p);
    if (ports.size > MAX_PORTS) throw validationError('ports', `At most ${MAX_PORTS} ports can be added at once.`, 'max');
  }
  if (!ports.size) throw validationError('ports', 'Give at least one port.', 'required');
  return [...ports].sort((a, b) => a - b);
}

export const addAllocationsInput = z.object({
  ip: z.string().refine((v) => isIP(v) !== 0, 'must be an IPv4 or IPv6 address'),
  ports: z.string().min(1),
  alias: z.string().min(1).max(255).optional(),
  nodeId: z.number().int().positive().nullable(),
});

/** Admins add a node's IP and port ranges to its pool (CLI `allocation:create`); existing ports are kept. */
export async function addAllocations(db: Executor, input: z.input<typeof addAllocationsInput>, now: Date): Promise<{ added: number; ports: number }> {
  const parsed = addAllocationsInput.safeParse(input);
  if (!parsed.success) throw fromZod(parsed.error);
  const ports = parsePorts(parsed.data.ports);
  const added = await insertRows(db, parsed.data.nodeId, parsed.data.ip, ports, parsed.data.alias ?? null, now);
  return { added, ports: ports.length };
}
