// Readings out (docs/integration.md "Data out"): CSV or JSON of one device's or one group's
// readings in a time range, streamed page by page and bounded in rows. The same permission as
// every other read of tenant data (data:read: the operator), the tenant from the principal only,
// readings of erased subjects left out by the series service, and each export audited with ids
// and counts.
import { once } from 'node:events';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { badRequest } from '../../errors.ts';
import { deviceIdSchema } from '../../identity/schemas.ts';
import type { Device } from '../../identity/devices.ts';
import { CSV_HEADER, readingCsv, readingJson } from '../../services/export-format.ts';
import type { PlatformServices } from '../../services/index.ts';
import { allow, tenantOf } from '../auth.ts';
import { query } from '../validate.ts';
import { doc } from '../route-doc.ts';

const PAGE = 1000;
const MAX_SPAN_MS = 366 * 86_400_000;
export const EXPORT_MAX_ROWS = 100_000;

export const exportQuery = z
  .strictObject({
    device: deviceIdSchema.optional(),
    group: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/).optional(),
    from: z.coerce.number().int().min(0),
    to: z.coerce.number().int().min(0),
    format: z.enum(['csv', 'json']).default('csv'),
    limit: z.coerce.number().int().min(1).max(EXPORT_MAX_ROWS).default(10_000),
  })
  .refine((q) => (q.device === undefined) !== (q.group === undefined), 'name exactly one of device and group')
  .refine((q) => q.to > q.from, 'to must be after from')
  .refine((q) => q.to - q.from <= MAX_SPAN_MS, 'at most 366 days per export');

async function write(res: Response, chunk: string) {
  if (chunk && !res.write(chunk)) await once(res, 'drain');
}

export function exportRoutes(s: PlatformServices): Router {
  const r = Router();
  r.get('/exports/readings', allow('data:read'), doc({ summary: 'readings of one device or one group in a time range, streamed as CSV or JSON', query: exportQuery, responses: { 200: { description: 'CSV (one line per reading and field) or JSON', contentType: 'text/csv' } } }), async (req, res) => {
    const tenantId = tenantOf(req);
    const q = query(req, exportQuery);
    let devices: Device[];
    if (q.device) devices = [await s.devices.require(q.device)];
    else {
      devices = (await s.devices.list()).filter((d) => d.attributes.groupId === q.group).sort((a, b) => a.id.localeCompare(b.id));
      if (!devices.length) throw badRequest(`no device of this tenant is in group ${q.group}`);
    }
    const name = `readings-${q.device ?? q.group}-${q.from}-${q.to}.${q.format}`;
    res.status(200).set('cache-control', 'no-store').type(q.format === 'csv' ? 'text/csv' : 'application/json').attachment(name);
    res.set('x-custodia-row-limit', String(q.limit));
    let rows = 0;
    let truncated = false;
    let next: { device: string; from: number } | null = null;
    try {
      await write(res, q.format === 'csv' ? CSV_HEADER : `{"tenant":${JSON.stringify(tenantId)},"from":${q.from},"to":${q.to},"items":[`);
      devices: for (const d of devices) {
        let from = q.from;
        let seenAtFrom = new Set<string>();
        for (;;) {
          const page = await s.series.range<Record<string, unknown>>(d.id, { from, to: q.to, limit: PAGE });
          const fresh = page.filter((p) => !(p.ts === from && seenAtFrom.has(p.id)));
          for (const p of fresh) {
            if (rows >= q.limit) {
              truncated = true;
              next = { device: d.id, from: p.ts };
              break devices;
            }
            await write(res, q.format === 'csv' ? readingCsv(d.id, d.kind, p) : `${rows ? ',' : ''}${readingJson(d.id, d.kind, p)}`);
            rows++;
          }
          if (page.length < PAGE) break;
          const last = page.at(-1)!.ts;
          // The next page starts at the last time seen; readings already written at it are skipped.
          seenAtFrom = new Set(page.filter((p) => p.ts === last).map((p) => p.id));
          from = fresh.length ? last : last + 1;
        }
      }
      if (q.format === 'json') await write(res, `],"rows":${rows},"truncated":${truncated},"next":${JSON.stringify(next)}}`);
      res.end();
    } catch (err) {
      // Part of the file is out: cut the connection so the client sees an incomplete transfer,
      // never a short file that looks whole.
      if (!res.headersSent) throw err;
      s.logger.error({ err }, 'readings export failed');
      res.destroy();
    } finally {
      await s.audit.record(tenantId, {
        actor: req.principal!.label,
        action: 'readings.export',
        target: q.device ? `device:${q.device}` : `group:${q.group}`,
        outcome: res.writableFinished || res.writableEnded ? 'success' : 'failure',
        details: { from: q.from, to: q.to, format: q.format, devices: devices.length, rows, truncated },
      });
    }
  });
  return r;
}
