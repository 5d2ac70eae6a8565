// Bulk provisioning from the devices page: a CSV file (id, kind, label, group, patient, location)
// is checked by the platform as a whole; errors come back by line and nothing is created, or every
// device is created and the secrets file is downloaded at once — the only time it exists.
import { useState } from 'react';
import { Field, FormDialog } from '../../components/forms.tsx';
import { Note } from '../../components/ui.tsx';
import { useAction } from '../../hooks/resource.ts';
import { useApi } from '../../hooks/session.tsx';
import { useT } from '../../i18n/index.tsx';
import { ApiError } from '../../lib/api.ts';
import { BULK_COLUMNS, secretsCsv, type LineError } from '../../../../platform/identity/bulk.ts';
import type { Device } from '../../lib/types.ts';

interface BulkAnswer {
  created: number;
  batch: string;
  devices: Device[];
  secrets: { id: string; username: string; secret: string }[];
}

function saveFile(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function BulkUpload({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (devices: Device[]) => void }) {
  const api = useApi();
  const { t } = useT();
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState('');
  const [lines, setLines] = useState<LineError[]>([]);
  const [done, setDone] = useState<number | null>(null);
  const upload = useAction(async () => {
    setLines([]);
    try {
      const r = await api.post<BulkAnswer>('/devices/bulk', { csv });
      saveFile(`device-secrets-${r.batch}.csv`, secretsCsv(r.secrets));
      setDone(r.created);
      setCsv('');
      setFileName('');
      onCreated(r.devices);
    } catch (err) {
      if (err instanceof ApiError && Array.isArray(err.problem.errors)) setLines(err.problem.errors as LineError[]);
      throw err;
    }
  });
  const close = () => {
    setLines([]);
    setDone(null);
    onClose();
  };
  return (
    <FormDialog
      open={open}
      title={t('bulk.title')}
      onClose={close}
      actionLabel={t('bulk.action')}
      onAction={() => void upload.run()}
      busy={upload.busy}
      disabled={!csv.trim()}
      error={upload.error}
    >
      <Note>{t('bulk.intro', { columns: BULK_COLUMNS.join(', ') })}</Note>
      <Field id="bulk-file" label={t('bulk.file')} hint={fileName || t('bulk.fileHint')}>
        <input
          id="bulk-file"
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            const f = e.target.files?.[0];
            setDone(null);
            setLines([]);
            if (!f) return;
            setFileName(f.name);
            void f.text().then(setCsv);
          }}
        />
      </Field>
      {lines.length ? (
        <ul className="form-error" role="alert" data-testid="bulk-errors">
          {lines.map((l) => (
            <li key={`${l.line}-${l.message}`}>
              {/* The message is the server's, as it sends it. */}
              {t('bulk.line', { line: l.line, message: l.message })}
            </li>
          ))}
        </ul>
      ) : null}
      {done !== null ? (
        <Note tone="warning">{t('bulk.done', { count: done })}</Note>
      ) : null}
    </FormDialog>
  );
}
