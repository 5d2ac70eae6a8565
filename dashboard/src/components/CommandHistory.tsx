// A command history as the server keeps it (a lamp's, a group's, a patient hub's): newest first,
// 24-hour times, who sent it and how far it got, older pages on request.
import { formatDayTime } from '../lib/format.ts';
import { Button, Pill } from './ui.tsx';
import { useT } from '../i18n/index.tsx';

export interface HistoryRow {
  key: string;
  at: number;
  label: string;
  by: string;
  status: string;
  tone: 'ok' | 'bad' | 'info';
}

/** A command history from the server, newest first, with older pages on request. */
export function CommandHistory({ rows, loaded, onMore, busy, empty, testId = 'command-history' }: { rows: HistoryRow[]; loaded: boolean; onMore?: (() => void) | undefined; busy?: boolean; empty?: string; testId?: string }) {
  const { t } = useT();
  if (!loaded) return <p className="muted small">{t('history.loading')}</p>;
  if (!rows.length) return <p className="muted small" data-testid={testId}>{empty ?? t('history.empty')}</p>;
  return (
    <div data-testid={testId}>
      <table className="table table-compact">
        <thead>
          <tr>
            <th scope="col">{t('history.when')}</th>
            <th scope="col">{t('history.command')}</th>
            <th scope="col">{t('history.by')}</th>
            <th scope="col">{t('history.status')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-testid="history-row">
              <td className="nowrap">{formatDayTime(r.at)}</td>
              <td>{r.label}</td>
              <td className="small">{r.by}</td>
              <td>
                <Pill tone={r.tone}>{r.status}</Pill>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {onMore ? (
        <Button variant="ghost" busy={busy} onClick={onMore}>
          {t('history.older')}
        </Button>
      ) : null}
    </div>
  );
}
