// Downloads the patient's FHIR R4 export (the server audits it).
import { Button } from '../../../components/ui.tsx';
import { HC } from '../../../lib/healthcare.ts';
import { useAction } from '../../../hooks/resource.ts';
import { useApi } from '../../../hooks/session.tsx';
import { useT } from '../../../i18n/index.tsx';

export function FhirDownload({ id, identifier }: { id: string; identifier: string }) {
  const api = useApi();
  const { t } = useT();
  const dl = useAction(async () => {
    const res = await api.download(`${HC}/patients/${encodeURIComponent(id)}/fhir`);
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${identifier}-fhir-bundle.json`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  return (
    <>
      <Button busy={dl.busy} onClick={() => void dl.run()} title={t('fhir.title')}>
        {t('fhir.button')}
      </Button>
      {dl.error ? <span className="form-error">{dl.error}</span> : null}
    </>
  );
}
