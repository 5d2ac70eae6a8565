// The platform nodes as the operator sees them (docs/architecture.md "Cluster mode"): each live
// node with its MQTT connections and ingest throughput, from the node registry's heartbeats in
// cluster mode, or the one process otherwise. Platform operator only; no tenant data.
import { Router } from 'express';
import { z } from 'zod';
import { allow } from '../auth.ts';
import { doc } from '../route-doc.ts';

const nodeSchema = z.object({
  id: z.string(),
  startedAt: z.number().nullable(),
  heartbeatAt: z.number(),
  mqttConnections: z.number().int(),
  devicesOnline: z.number().int(),
  readingsPerSecond: z.number(),
});

export interface NodeView {
  id: string;
  startedAt: number | null;
  heartbeatAt: number;
  mqttConnections: number;
  devicesOnline: number;
  /** Readings accepted per second over the last heartbeat period. */
  readingsPerSecond: number;
}

export function nodeRoutes(nodes: () => Promise<NodeView[]>): Router {
  const r = Router();
  r.get('/platform/nodes', allow('platform:health'), doc({ summary: 'the platform nodes with their MQTT connections and ingest throughput', responses: { 200: z.object({ nodes: z.array(nodeSchema) }) } }), async (_req, res) => {
    res.json({ nodes: await nodes() });
  });
  return r;
}
