// Users of the tenant, for its administrator: roles, disable/enable, create. A changed role or a
// disabled account ends that user's sessions (the API does it; the page says so). A role is chosen
// first and then confirmed: the select alone changes nothing.
import { useState } from 'react';
import { DataTable } from '../../components/DataTable.tsx';
import { ConfirmAction } from '../../components/ConfirmAction.tsx';
import { Field, FormDialog } from '../../components/forms.tsx';
import { Button, Card, CopyButton, ErrorNote, Loading, Note, PageHeader, Pill } from '../../components/ui.tsx';
import { formatDate, formatDayTime } from '../../lib/format.ts';
import { ROLE_LABEL, type PublicUser, type Role } from '../../lib/types.ts';
import { useAction, useResource } from '../../hooks/resource.ts';
import { checkBody } from '../../lib/validate.ts';
import { userCreateSchema } from '../../../../platform/identity/schemas.ts';
import { useApi, useMe } from '../../hooks/session.tsx';

const TENANT_ROLES: Role[] = ['operator', 'tenant-admin', 'auditor', 'evaluator', 'dpo'];
const ROLE_HINT: Record<string, string> = {
  operator: 'Live views, alarms, commands, consent',
  'tenant-admin': 'Users, devices, keys',
  auditor: 'Audit log and verification',
  evaluator: 'Validation runs, no personal data',
};

function CreateUser({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (u: PublicUser) => void }) {
  const api = useApi();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [password, setPassword] = useState('');
  const create = useAction(async () => {
    const input = { username: username.trim(), password, role, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) };
    checkBody(userCreateSchema, input);
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
      title="New user"
      onClose={onClose}
      actionLabel="Create user"
      onAction={() => void create.run()}
      busy={create.busy}
      disabled={username.trim().length < 3 || password.length < 12}
      error={create.error}
    >
      <Field id="u-name" label="Username">
        <input id="u-name" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
      </Field>
      <Field id="u-display" label="Display name">
        <input id="u-display" value={displayName} onChange={(e) => setDisplayName(e.target.value)} autoComplete="off" placeholder="Shown in the top bar" />
      </Field>
      <Field id="u-role" label="Role">
        <select id="u-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {TENANT_ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABEL[r]} — {ROLE_HINT[r]}
            </option>
          ))}
        </select>
      </Field>
      <Field id="u-pw" label="Initial password" hint="At least 12 characters.">
        <input id="u-pw" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
      </Field>
    </FormDialog>
  );
}

export function Users() {
  const me = useMe();
  const api = useApi();
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
        title="Users"
        subtitle={`People who can sign in to ${me.tenant?.name ?? 'this tenant'}. Changing a role or disabling an account signs that person out.`}
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            New user…
          </Button>
        }
      />
      <ErrorNote error={res.error} onRetry={res.reload} />
      <Card>
        {res.data ? (
          <DataTable columns={['User', 'Role', 'Created', 'Status']} actions>
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
                      Role of {u.username}
                    </label>
                    <div className="role-change">
                      <select id={`role-${u.id}`} value={chosen[u.id] ?? u.role} disabled={self} onChange={(e) => setChosen((prev) => ({ ...prev, [u.id]: e.target.value as Role }))}>
                        {TENANT_ROLES.map((r) => (
                          <option key={r} value={r}>
                            {ROLE_LABEL[r]}
                          </option>
                        ))}
                      </select>
                      {chosen[u.id] && chosen[u.id] !== u.role ? (
                        <Button variant="primary" onClick={() => setPending({ user: u, change: { role: chosen[u.id]! } })} aria-label={`Change role of ${u.username}`}>
                          Change role…
                        </Button>
                      ) : null}
                    </div>
                  </td>
                  <td>{formatDate(u.createdAt)}</td>
                  <td>
                    {u.disabled ? <Pill tone="bad">Disabled</Pill> : <Pill tone="ok">Active</Pill>}
                    {u.passwordTemporaryUntil !== undefined ? (
                      <div className="muted small" data-testid="one-time-password">
                        {u.passwordTemporaryUntil > Date.now() ? `One-time password until ${formatDayTime(u.passwordTemporaryUntil)}` : 'One-time password expired'}
                      </div>
                    ) : null}
                  </td>
                  <td className="actions">
                    {self ? (
                      <span className="muted small">You</span>
                    ) : (
                      <>
                      <Button variant="ghost" onClick={() => setResetting(u)} aria-label={`Reset password of ${u.username}`}>
                        Reset password
                      </Button>
                      <Button variant="ghost" onClick={() => setPending({ user: u, change: { disabled: !u.disabled } })} aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.username}`}>
                        {u.disabled ? 'Enable' : 'Disable'}
                      </Button>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        ) : (
          <Loading />
        )}
      </Card>
      <ConfirmAction
        open={pending !== null}
        title={pending ? confirmTitle(pending.user, pending.change) : ''}
        consequences={pending ? <p>{confirmText(pending.user, pending.change)}</p> : null}
        actionLabel={!pending || 'role' in pending.change ? 'Change role' : pending.change.disabled ? 'Disable account' : 'Enable account'}
        variant={pending && 'disabled' in pending.change && !pending.change.disabled ? 'primary' : 'danger'}
        onConfirm={() => patch(pending!.user, pending!.change)}
        result={(u) => `${u.username} is now ${ROLE_LABEL[u.role]}${u.disabled ? ', disabled' : ', active'}.`}
        onClose={() => setPending(null)}
      />
      {/* The new password is in this dialog's result only: closing it forgets it. */}
      <ConfirmAction
        open={resetting !== null}
        title={`Reset the password of ${resetting?.username ?? ''}?`}
        consequences={<p>A new random password replaces the current one, which stops working at once; {resetting?.displayName} is signed out everywhere. The new password is shown once, here: hand it over in person or by a trusted channel. It is a one-time password: it only lets {resetting?.displayName} choose a password of their own at the next sign-in, and it expires after 3 days.</p>}
        typed={resetting?.username}
        actionLabel="Reset password"
        onConfirm={async () => {
          const r = await api.post<{ user: PublicUser; password: string }>(`/users/${encodeURIComponent(resetting!.id)}/reset-password`);
          res.mutate((prev) => (prev ? { items: prev.items.map((x) => (x.id === r.user.id ? r.user : x)) } : prev));
          return r;
        }}
        result={(r) => (
          <>
            <p>New password of {r.user.username} (shown once, never again):</p>
            <div className="secret">
              <code data-testid="new-password">{r.password}</code>
              <CopyButton text={r.password} label="Copy password" />
            </div>
            <Note tone="warning">
              It works once: at the next sign-in {r.user.username} must choose a password of their own
              {r.user.passwordTemporaryUntil !== undefined ? `, by ${formatDayTime(r.user.passwordTemporaryUntil)}` : ''}; after that it expires. It is not stored in readable form. If it is lost, reset it again.
            </Note>
          </>
        )}
        onClose={() => setResetting(null)}
      />
      <CreateUser open={creating} onClose={() => setCreating(false)} onCreated={(u) => res.mutate((prev) => ({ items: [...(prev?.items ?? []), u] }))} />
    </div>
  );
}

function confirmTitle(u: PublicUser, change: { role: Role } | { disabled: boolean }): string {
  if ('role' in change) return `Change the role of ${u.username}?`;
  return change.disabled ? `Disable ${u.username}?` : `Enable ${u.username}?`;
}

function confirmText(u: PublicUser, change: { role: Role } | { disabled: boolean }): string {
  if ('role' in change) return `${u.displayName} goes from ${ROLE_LABEL[u.role]} to ${ROLE_LABEL[change.role]} (${ROLE_HINT[change.role]}). They are signed out everywhere and sign in again with the new role.`;
  return change.disabled
    ? `${u.displayName} is signed out everywhere and cannot sign in until the account is enabled again.`
    : `${u.displayName} may sign in again with their current password.`;
}
