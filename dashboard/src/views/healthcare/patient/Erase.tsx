// Erasing a patient (GDPR art. 17, crypto-shredding: pilots/healthcare/erase.ts). It cannot be
// undone, so the patient's identifier is typed to confirm; the API also asks the body to repeat
// the patient id. The result names what was removed, then the board is the only place to go.
import { useState } from 'react';
import { ConfirmAction } from '../../../components/ConfirmAction.tsx';
import { Button } from '../../../components/ui.tsx';
import { HC } from '../../../lib/healthcare.ts';
import { navigate } from '../../../hooks/router.tsx';
import { useApi } from '../../../hooks/session.tsx';
import { useT } from '../../../i18n/index.tsx';

interface ErasureReport {
  patientId: string;
  devicesDetached: string[];
  alarmsCleared: number;
  recordsDeleted: number;
}

export function ErasePatient({ id, identifier, name }: { id: string; identifier: string; name: string }) {
  const api = useApi();
  const { t } = useT();
  const [open, setOpen] = useState(false);
  const [erased, setErased] = useState(false);
  return (
    <>
      <Button variant="ghost" onClick={() => setOpen(true)} data-testid="erase-patient">
        {t('erase.button')}
      </Button>
      <ConfirmAction
        open={open}
        title={t('erase.title', { name })}
        consequences={
          <>
            <p>{t('erase.body1')}</p>
            <p>{t('erase.body2')}</p>
          </>
        }
        typed={identifier}
        actionLabel={t('erase.action')}
        onConfirm={async () => {
          const r = await api.post<ErasureReport>(`${HC}/patients/${encodeURIComponent(id)}/erase`, { confirm: id });
          setErased(true);
          return r;
        }}
        result={(r) => t('erase.result', { records: r.recordsDeleted, devices: r.devicesDetached.length, alarms: r.alarmsCleared })}
        onClose={() => {
          setOpen(false);
          if (erased) navigate('/care/patients');
        }}
      />
    </>
  );
}
