// The next 48 hours of a schedule as it is being edited, computed here with the pilot's own pure
// schedule functions (pilots/lighting/domain/schedule.ts) for the installation's site and time
// zone, so the preview stays in view and follows every change before it is saved.
import { useMemo } from 'react';
import { preview, scheduleSchema, type Schedule } from '../../../../pilots/lighting/domain/schedule.ts';
import { Timeline } from '../../components/Timeline.tsx';
import { Card, Loading } from '../../components/ui.tsx';
import { LT, type Installation } from '../../lib/lighting.ts';
import { useNow } from '../../hooks/now.ts';
import { useResource } from '../../hooks/resource.ts';
import { useT } from '../../i18n/index.tsx';

export function DraftPreview({ draft }: { draft: Omit<Schedule, 'id'> & { id?: string } }) {
  const { t } = useT();
  const site = useResource<Installation>(`${LT}/installation`);
  const now = useNow();
  // Minute resolution is plenty for a 48-hour picture and keeps the work to one run a minute.
  const minute = Math.floor(now / 60_000) * 60_000;
  const result = useMemo(() => {
    const parsed = scheduleSchema.safeParse({ ...draft, id: draft.id ?? 'draft' });
    if (!parsed.success || !site.data) return null;
    return { ...preview(parsed.data, site.data, minute, 48), scheduleId: parsed.data.id, timeZone: site.data.timeZone };
  }, [draft, site.data, minute]);
  return (
    <Card title={t('draftPreview.title')}>
      {!site.data ? (
        <Loading />
      ) : result ? (
        <div data-testid="draft-preview">
          <Timeline preview={result} />
          <p className="muted small">{t('draftPreview.zone', { zone: site.data.timeZone })}</p>
        </div>
      ) : (
        <p className="muted">{t('draftPreview.invalid')}</p>
      )}
    </Card>
  );
}
