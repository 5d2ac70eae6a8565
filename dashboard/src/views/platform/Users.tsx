// Users of the tenant, for its administrator: roles, disable/enable, create. A changed role or a
// disabled account ends that user's sessions (the API does it; the page says so). A role is chosen
// first and then confirmed: the select alone changes nothing.
import { useState } from 'react';
import { DataTable } from '../../components/DataTable.tsx';
import { ConfirmAction } from '../../components/ConfirmAction.tsx';
import { Field, FormDialog } from '../../components/forms.tsx';
import { Button, Card, CopyButton, ErrorNote, Loading, Note, PageHeader, Pill } from '../../components/ui.tsx';
import { formatDate, formatDayTime } from '../../lib/format.ts';
import type { PublicUser, Role } from '../../lib/types.ts';
import { useAction, useResource } from '../../hooks/resource.ts';
import { checkBody } from '../../lib/validate.ts';
import { userCreateSchema } from '../../../../platform/identity/schemas.ts';
import { useApi, useMe } from '../../hooks/session.tsx';
import { useT, type T } from '../../i18n/index.tsx';

type TenantRole = Exclude<Role, 'platform-admin'>;
const TENANT_ROLES: TenantRole[] = ['operator', 'tenant-admin', 'auditor', 'evaluator', 'dpo'];

function CreateUser({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (u: PublicUser) => void }) {
  const api = useApi();
  const { t } = useT();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [password, setPassword] = useState('');
  const create = useAction(async () => {
    const input = { username: username.trim(), password, role, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) };
    checkBody(userCreateSchema, input, t);
    const u = await api.post<PublicUser>('/users', input);
    onCreated(u);
    setUsername('');
    setDisplayName('');
    setPassword('');
    onClose();
  });
  return (
    <FormDialog
      open={open}
      title={t('newUser.title')}
      onClose={onClose}
      actionLabel={t('newUser.create')}
      onAction={() => void create.run()}
      busy={create.busy}
      disabled={username.trim().length < 3 || password.length < 12}
      error={create.error}
    >
      <Field id="u-name" label={t('newUser.username')}>
        <input id="u-name" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
      </Field>
      <Field id="u-display" label={t('newUser.displayName')}>
        <input id="u-display" value={displayName} onChange={(e) => setDisplayName(e.target.value)} autoComplete="off" placeholder={t('newUser.displayNamePlaceholder')} />
      </Field>
      <Field id="u-role" label={t('newUser.role')}>
        <select id="u-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {TENANT_ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)} — {t(`roleHint.${r}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field id="u-pw" label={t('newUser.password')} hint={t('newUser.passwordHint')}>
        <input id="u-pw" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
      </Field>
    </FormDialog>
  );
}

export function Users() {
  const me = useMe();
  const api = useApi();
  const { t } = useT();
  const res = useResource<{ items: PublicUser[] }>('/users');
  const [creating, setCreating] = useState(false);
  // Roles chosen but not yet confirmed, by user id.
  const [chosen, setChosen] = useState<Record<string, Role>>({});
  const [resetting, setResetting] = useState<PublicUser | null>(null);
  const [pending, setPending] = useState<{ user: PublicUser; change: { role: Role } | { disabled: boolean } } | null>(null);
  const patch = async (u: PublicUser, change: Partial<Pick<PublicUser, 'role' | 'disabled'>>) => {
    const next = await api.patch<PublicUser>(`/users/${encodeURIComponent(u.id)}`, change);
    res.mutate((prev) => (prev ? { items: prev.items.map((x) => (x.id === u.id ? next : x)) } : prev));
    setChosen(({ [u.id]: _done, ...rest }) => rest);
    return next;
  };
  const users = [...(res.data?.items ?? [])].sort((a, b) => a.username.localeCompare(b.username));
  return (
    <div className="page">
      <PageHeader
        title={t('users.title')}
        subtitle={t('users.subtitle', { tenant: me.tenant?.name ?? t('users.thisTenant') })}
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            {t('users.newUser')}
          </Button>
        }
      />
      <ErrorNote error={res.error} onRetry={res.reload} />
      <Card>
        {res.data ? (
          <div className="table-scroll">
          <DataTable columns={[t('users.colUser'), t('users.colRole'), t('users.colCreated'), t('users.colStatus')]} actions>
            {users.map((u) => {
              const self = u.id === me.user.id;
              return (
                <tr key={u.id}>
                  <td>
                    <div className="strong">{u.displayName}</div>
                    <div className="mono muted small">{u.username}</div>
                  </td>
                  <td>
                    <label className="visually-hidden" htmlFor={`role-${u.id}`}>
                      {t('users.roleOf', { username: u.username })}
                    </label>
                    <div className="role-change">
                      <select id={`role-${u.id}`} value={chosen[u.id] ?? u.role} disabled={self} onChange={(e) => setChosen((prev) => ({ ...prev, [u.id]: e.target.value as Role }))}>
                        {TENANT_ROLES.map((r) => (
                          <option key={r} value={r}>
                            {t(`role.${r}`)}
                          </option>
                        ))}
                      </select>
                      {chosen[u.id] && chosen[u.id] !== u.role ? (
                        <Button variant="primary" onClick={() => setPending({ user: u, change: { role: chosen[u.id]! } })} aria-label={t('users.changeRoleOf', { username: u.username })}>
                          {t('users.changeRole')}
                        </Button>
                      ) : null}
                    </div>
                  </td>
                  <td>{formatDate(u.createdAt)}</td>
                  <td>
                    {u.disabled ? <Pill tone="bad">{t('users.disabled')}</Pill> : <Pill tone="ok">{t('users.active')}</Pill>}
                    {u.passwordTemporaryUntil !== undefined ? (
                      <div className="muted small" data-testid="one-time-password">
                        {u.passwordTemporaryUntil > Date.now() ? t('users.oneTimeUntil', { at: formatDayTime(u.passwordTemporaryUntil) }) : t('users.oneTimeExpired')}
                      </div>
                    ) : null}
                  </td>
                  <td className="actions actions-wrap">
                    {self ? (
                      <span className="muted small">{t('users.you')}</span>
                    ) : (
                      <>
                      <Button variant="ghost" onClick={() => setResetting(u)} aria-label={t('users.resetOf', { username: u.username })}>
                        {t('users.reset')}
                      </Button>
                      <Button variant="ghost" onClick={() => setPending({ user: u, change: { disabled: !u.disabled } })} aria-label={t(u.disabled ? 'users.enableOf' : 'users.disableOf', { username: u.username })}>
                        {t(u.disabled ? 'users.enable' : 'users.disable')}
                      </Button>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </DataTable>
          </div>
        ) : (
          <Loading />
        )}
      </Card>
      <ConfirmAction
        open={pending !== null}
        title={pending ? confirmTitle(t, pending.user, pending.change) : ''}
        consequences={pending ? <p>{confirmText(t, pending.user, pending.change)}</p> : null}
        actionLabel={t(!pending || 'role' in pending.change ? 'users.changeRoleAction' : pending.change.disabled ? 'users.disableAction' : 'users.enableAction')}
        variant={pending && 'disabled' in pending.change && !pending.change.disabled ? 'primary' : 'danger'}
        onConfirm={() => patch(pending!.user, pending!.change)}
        result={(u) => t(u.disabled ? 'users.resultDisabled' : 'users.resultActive', { username: u.username, role: t(`role.${u.role}`) })}
        onClose={() => setPending(null)}
      />
      {/* The new password is in this dialog's result only: closing it forgets it. */}
      <ConfirmAction
        open={resetting !== null}
        title={t('users.resetTitle', { username: resetting?.username ?? '' })}
        consequences={<p>{t('users.resetConsequences', { name: resetting?.displayName ?? '' })}</p>}
        typed={resetting?.username}
        actionLabel={t('users.reset')}
        onConfirm={async () => {
          const r = await api.post<{ user: PublicUser; password: string }>(`/users/${encodeURIComponent(resetting!.id)}/reset-password`);
          res.mutate((prev) => (prev ? { items: prev.items.map((x) => (x.id === r.user.id ? r.user : x)) } : prev));
          return r;
        }}
        result={(r) => (
          <>
            <p>{t('users.newPassword', { username: r.user.username })}</p>
            <div className="secret">
              <code data-testid="new-password">{r.password}</code>
              <CopyButton text={r.password} label={t('users.copyPassword')} />
            </div>
            <Note tone="warning">
              {r.user.passwordTemporaryUntil !== undefined
                ? t('users.oneTimeNoteBy', { username: r.user.username, at: formatDayTime(r.user.passwordTemporaryUntil) })
                : t('users.oneTimeNote', { username: r.user.username })}
            </Note>
          </>
        )}
        onClose={() => setResetting(null)}
      />
      <CreateUser open={creating} onClose={() => setCreating(false)} onCreated={(u) => res.mutate((prev) => ({ items: [...(prev?.items ?? []), u] }))} />
    </div>
  );
}

function confirmTitle(t: T, u: PublicUser, change: { role: Role } | { disabled: boolean }): string {
  if ('role' in change) return t('users.changeRoleTitle', { username: u.username });
  return t(change.disabled ? 'users.disableTitle' : 'users.enableTitle', { username: u.username });
}

function confirmText(t: T, u: PublicUser, change: { role: Role } | { disabled: boolean }): string {
  if ('role' in change) return t('users.changeRoleText', { name: u.displayName, from: t(`role.${u.role}`), to: t(`role.${change.role}`), hint: t(`roleHint.${change.role as TenantRole}`) });
  return t(change.disabled ? 'users.disableText' : 'users.enableText', { name: u.displayName });
}
