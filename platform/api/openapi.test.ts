import express, { Router } from 'express';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkMountPath } from './app.ts';
import { allow } from './guards.ts';
import { openApiDocument, openApiPath, routesOfApp } from './openapi.ts';
import { doc, itemsOf } from './route-doc.ts';

const idParam = z.object({ id: z.uuid() });
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(10).optional() }).strict();
const thing = z.object({ id: z.string(), name: z.string() });

function app() {
  const a = express();
  const api = Router();
  api.get('/things', allow('devices:read'), doc({ summary: 'things', query: listQuery, responses: { 200: itemsOf(thing) } }), (_q, r) => r.json({ items: [] }));
  api.post('/things/:id/rename', allow('devices:manage'), doc({ summary: 'rename', params: idParam, body: z.object({ name: z.string() }), responses: { 200: thing } }), (_q, r) => r.end());
  api.get('/bare/:name', (_q, r) => r.end());
  const pilot = Router();
  pilot.get('/stations/:id', doc({ summary: 'a station', responses: { 200: thing } }), (_q, r) => r.end());
  api.use('/pilots/air', pilot);
  a.use('/api/v1', api);
  return a;
}

type Op = { parameters?: { in: string; name: string; required?: boolean }[]; requestBody?: unknown; responses: Record<string, unknown>; 'x-permissions'?: string[] };

describe('the API contract generated from the routes', () => {
  const routes = routesOfApp(app());
  const d = openApiDocument(routes, { version: '1.2.3' }) as unknown as { openapi: string; info: { version: string }; paths: Record<string, Record<string, Op>> };

  it('walks every route of the router with its full path, mounted routers included', () => {
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /api/v1/bare/:name',
      'GET /api/v1/pilots/air/stations/:id',
      'GET /api/v1/things',
      'POST /api/v1/things/:id/rename',
    ]);
  });

  it('leaves out a route that declares nothing, so the completeness check sees it missing', () => {
    expect(routes.filter((r) => !r.doc).map((r) => r.path)).toEqual(['/api/v1/bare/:name']);
    expect(d.paths['/api/v1/bare/{name}']).toBeUndefined();
  });

  it('records method, parameters, query, body, responses and the permission of each route', () => {
    expect(d.openapi).toBe('3.1.0');
    expect(d.info.version).toBe('1.2.3');
    const list = d.paths['/api/v1/things']!.get!;
    expect(list['x-permissions']).toEqual(['devices:read']);
    expect(list.parameters).toEqual([expect.objectContaining({ in: 'query', name: 'limit' })]);
    expect(list.responses['200']).toMatchObject({ content: { 'application/json': { schema: { type: 'object', required: ['items'] } } } });
    expect(list.responses.default).toMatchObject({ content: { 'application/problem+json': expect.anything() } });
    const rename = d.paths['/api/v1/things/{id}/rename']!.post!;
    expect(rename.parameters).toEqual([expect.objectContaining({ in: 'path', name: 'id', required: true })]);
    expect(rename.requestBody).toMatchObject({ content: { 'application/json': { schema: { properties: { name: { type: 'string' } } } } } });
    // A path parameter the doc does not describe is still declared (a valid OpenAPI document).
    expect(d.paths['/api/v1/pilots/air/stations/{id}']!.get!.parameters).toEqual([expect.objectContaining({ in: 'path', name: 'id' })]);
  });

  it('spells express paths the OpenAPI way', () => {
    expect(openApiPath('/a/:id/b/:alarmId')).toBe('/a/{id}/b/{alarmId}');
  });
});

describe('pilot mount paths', () => {
  it('refuses a path inside the platform’s own and malformed paths', () => {
    for (const bad of ['/api', '/api/x', '/API/v2', '/metrics', '/socket.io/x', '/mqtt', 'fhir', '/fhir/../api', '/fhir//R4', '/fhir/R4/']) {
      expect(() => checkMountPath(bad), bad).toThrow();
    }
    for (const good of ['/fhir/R4', '/dicom', '/apis']) expect(() => checkMountPath(good), good).not.toThrow();
  });
});
