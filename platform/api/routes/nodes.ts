// The platform nodes as the operator sees them (docs/architecture.md "Cluster mode"): each live
// node with its MQTT connections and ingest throughput, from the node registry's heartbeats in
// cluster mode, or the one process otherwise. Platform operator only; no tenant data.
import { Router } from 'express';
import { allow } from '../auth.ts';

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
  r.get('/platform/nodes', allow('platform:health'), async (_req, res) => {
    res.json({ nodes: await nodes() });
  });
  return r;
}
