// Erasing a patient (GDPR art. 17, crypto-shredding: pilots/healthcare/erase.ts). It cannot be
// undone, so the patient's identifier is typed to confirm; the API also asks the body to repeat
// the patient id. The result names what was removed, then the board is the only place to go.
import { useState } from 'react';
import { ConfirmAction } from '../../../components/ConfirmAction.tsx';
import { Button } from '../../../components/ui.tsx';
import { HC } from '../../../lib/healthcare.ts';
import { navigate } from '../../../hooks/router.tsx';
import { useApi } from '../../../hooks/session.tsx';

interface ErasureReport {
  patientId: string;
  devicesDetached: string[];
  alarmsCleared: number;
  recordsDeleted: number;
}

export function ErasePatient({ id, identifier, name }: { id: string; identifier: string; name: string }) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [erased, setErased] = useState(false);
  return (
    <>
      <Button variant="ghost" onClick={() => setOpen(true)} data-testid="erase-patient">
        Erase patient…
      </Button>
      <ConfirmAction
        open={open}
        title={`Erase ${name}?`}
        consequences={
          <>
            <p>Do this only on the patient’s own request for erasure. The patient’s key is destroyed, so every reading, score, alarm and consent record of theirs becomes unreadable for good, backups included.</p>
            <p>Their devices are detached from them, so nothing more is stored for this patient. The audit log keeps that an erasure happened.</p>
          </>
        }
        typed={identifier}
        actionLabel="Erase for good"
        onConfirm={async () => {
          const r = await api.post<ErasureReport>(`${HC}/patients/${encodeURIComponent(id)}/erase`, { confirm: id });
          setErased(true);
          return r;
        }}
        result={(r) => `Erased: ${r.recordsDeleted} records deleted, ${r.devicesDetached.length} devices detached, ${r.alarmsCleared} alarms cleared.`}
        onClose={() => {
          setOpen(false);
          if (erased) navigate('/care/patients');
        }}
      />
    </>
  );
}
