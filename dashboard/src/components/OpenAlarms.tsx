// The open alarms of one patient or lamp with their acknowledge and resolve actions, shown at the
// top of its page (above charts and history) so whoever followed an alarm link acts at once.
import type { ReactNode } from 'react';
import { filterAlarms } from '../lib/alarms.ts';
import type { Alarm } from '../lib/types.ts';
import { useSession } from '../hooks/session.tsx';
import { useT } from '../i18n/index.tsx';
import { AlarmList } from './AlarmList.tsx';
import { Card } from './ui.tsx';

export function OpenAlarms({
  alarms,
  onAck,
  onResolve,
  describeSource,
}: {
  alarms: readonly Alarm[] | undefined;
  onAck: (id: string, note: string) => Promise<unknown>;
  onResolve: (id: string, note: string) => Promise<unknown>;
  describeSource?: (a: Alarm) => ReactNode | null;
}) {
  const { can } = useSession();
  const { t } = useT();
  const open = filterAlarms(alarms ?? [], 'open');
  if (!open.length) return null;
  return (
    <div data-testid="open-alarms">
      <Card title={t('openAlarms.title', { count: open.length })} className="open-alarms">
        <AlarmList alarms={open} canAck={can('alarms:ack')} onAck={onAck} onResolve={onResolve} describeSource={describeSource} />
      </Card>
    </div>
  );
}
