// A table with a header row of column titles and, when the rows carry buttons, a last column whose
// title only screen readers hear. The rows are the view's own.
import type { ReactNode } from 'react';
import { useT } from '../i18n/index.tsx';

export type Column = string | { label: ReactNode; className?: string };

export function DataTable({
  columns,
  actions = false,
  caption,
  className,
  testId,
  children,
}: {
  columns: readonly Column[];
  /** Adds the visually hidden "Actions" column. */
  actions?: boolean;
  caption?: ReactNode;
  /** Extra classes beside `table` (table-compact, table-control…). */
  className?: string;
  testId?: string;
  children: ReactNode;
}) {
  const { t } = useT();
  return (
    <table className={className ? `table ${className}` : 'table'} data-testid={testId}>
      {caption ? <caption className="table-caption">{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((c, i) =>
            typeof c === 'string' ? (
              <th key={i} scope="col">
                {c}
              </th>
            ) : (
              <th key={i} scope="col" className={c.className}>
                {c.label}
              </th>
            ),
          )}
          {actions ? (
            <th scope="col">
              <span className="visually-hidden">{t('table.actions')}</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
