// The shared building blocks render exactly the markup the views wrote by hand before (styles.css
// and the browser tests select on it): checked on the server renderer, no DOM needed.
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DataTable } from './DataTable.tsx';
import { Field, FormError } from './forms.tsx';

describe('a data table', () => {
  it('titles its columns and adds a last column only screen readers hear when rows carry buttons', () => {
    const html = renderToStaticMarkup(h(DataTable, { columns: ['Tenant', { label: 'Devices', className: 'num' }], actions: true, testId: 'tenants-table', children: h('tr', null, h('td', null, 'x')) }));
    expect(html).toBe(
      '<table class="table" data-testid="tenants-table"><thead><tr><th scope="col">Tenant</th><th scope="col" class="num">Devices</th>' +
        '<th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody><tr><td>x</td></tr></tbody></table>',
    );
  });

  it('keeps extra classes and a caption, and has no actions column unless asked', () => {
    const html = renderToStaticMarkup(h(DataTable, { columns: ['When'], className: 'table-compact', caption: 'Programme', children: null }));
    expect(html).toBe('<table class="table table-compact"><caption class="table-caption">Programme</caption><thead><tr><th scope="col">When</th></tr></thead><tbody></tbody></table>');
  });
});

describe('form fields', () => {
  it('labels its control and shows a hint under it', () => {
    const html = renderToStaticMarkup(h(Field, { id: 't-id', label: 'Tenant id', hint: 'Permanent.', children: h('input', { id: 't-id' }) }));
    expect(html).toBe('<div class="field"><label for="t-id">Tenant id</label><input id="t-id"/><div class="field-hint">Permanent.</div></div>');
  });

  it('sits beside its label when inline', () => {
    expect(renderToStaticMarkup(h(Field, { id: 'hold', label: 'Hold', inline: true, children: h('select', { id: 'hold' }) }))).toBe(
      '<div class="field field-inline"><label for="hold">Hold</label><select id="hold"></select></div>',
    );
  });

  it('announces an error and shows nothing without one', () => {
    expect(renderToStaticMarkup(h(FormError, { error: 'invalid body: name: too short' }))).toBe('<p class="form-error" role="alert">invalid body: name: too short</p>');
    expect(renderToStaticMarkup(h(FormError, { error: undefined }))).toBe('');
  });
});
