// Data sharing agreements of the tenant: the terms, who signed which version and when, the
// platform's countersignature and what was shared under each; the administrator proposes, a data
// protection officer signs and revokes here (docs/security.md "Signed agreements").
import { useState } from 'react';
import { ConfirmAction } from '../../components/ConfirmAction.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { Button, Card, EmptyState, ErrorNote, Loading, Note, PageHeader, Pill } from '../../components/ui.tsx';
import { awaitsSignatureOf, partyOf, signatureRows, type AgreementView } from '../../lib/agreements.ts';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import { useAction, useResource } from '../../hooks/resource.ts';
import { useApi, useSession } from '../../hooks/session.tsx';
import { AgreementProposal } from './AgreementProposal.tsx';
import { AgreementUsage } from './AgreementUsage.tsx';

const STATUS_TONE = { proposed: 'warn', active: 'ok', revoked: 'muted' } as const;

export function Agreements() {
  const api = useApi();
  const session = useSession();
  const tenant = session.state.status === 'signed-in' ? (session.state.me.user.tenantId ?? '') : '';
  const maySign = session.can('agreements:sign');
  const mayPropose = session.can('agreements:manage');
  const [proposing, setProposing] = useState(false);
  const [revoking, setRevoking] = useState<AgreementView | null>(null);
  const [usageOf, setUsageOf] = useState<string | null>(null);
  const res = useResource<{ items: AgreementView[] }>('/agreements');
  const sign = useAction(async (id: string) => {
    await api.post(`/agreements/${id}/sign`);
    res.reload();
  });
  const items = res.data?.items ?? [];
  return (
    <div className="page">
      <PageHeader
        title="Agreements"
        subtitle="Data leaves the tenant only under an agreement both parties' data protection officers signed and the platform countersigned."
        actions={mayPropose ? <Button variant="primary" onClick={() => setProposing(true)}>Propose an agreement</Button> : null}
      />
      <AgreementProposal open={proposing} onClose={() => setProposing(false)} onProposed={res.reload} />
      <ConfirmAction
        open={revoking !== null}
        title={`Revoke “${revoking?.title ?? ''}”?`}
        consequences={<p>Sharing under this agreement stops at once for both parties, and the revocation is signed with your key. It cannot be undone: sharing again takes a new agreement, signed by both parties.</p>}
        typed={revoking?.title}
        actionLabel="Revoke for good"
        onConfirm={async () => {
          const r = await api.post<AgreementView>(`/agreements/${revoking!.id}/revoke`);
          res.reload();
          return r;
        }}
        result={(r) => `Revoked ${r.revocation ? formatDateTime(r.revocation.at) : ''}.`}
        onClose={() => setRevoking(null)}
      />
      <ErrorNote error={res.error ?? sign.error} onRetry={res.reload} />
      {!res.data ? <Loading /> : items.length === 0 ? <EmptyState title="No agreements">Proposals from or to this tenant appear here.</EmptyState> : null}
      {items.map((a) => (
        <Card
          key={a.id}
          title={
            <>
              {a.title} <Pill tone={STATUS_TONE[a.status]}>{a.status}</Pill> <Pill tone="neutral">v{a.version ?? 1}</Pill>
            </>
          }
          actions={
            <>
              {maySign && awaitsSignatureOf(a, tenant) ? (
                <Button variant="primary" busy={sign.busy} onClick={() => void sign.run(a.id)}>
                  Sign version {a.version ?? 1} as {partyOf(a, tenant)}
                </Button>
              ) : null}
              <Button aria-expanded={usageOf === a.id} onClick={() => setUsageOf(usageOf === a.id ? null : a.id)}>
                Usage
              </Button>
              {maySign && a.status !== 'revoked' ? (
                <Button variant="danger" onClick={() => setRevoking(a)}>
                  Revoke
                </Button>
              ) : null}
            </>
          }
        >
          <p className="small">
            {a.providerTenant} → {a.consumerTenant} · purpose {a.purpose} · {a.categories.join(', ')} · {a.operations.join(', ')} · valid {formatDate(a.validFrom)} – {formatDate(a.validUntil)}
          </p>
          <DataTable columns={['Party', 'Tenant', 'Signed by', 'When', 'Key']}>
            {signatureRows(a).map((r) => (
              <tr key={r.party}>
                <td>{r.party}</td>
                <td className="mono">{r.tenant}</td>
                <td>{r.signature ? r.signature.signer : <Pill tone="warn">not signed</Pill>}</td>
                <td>{r.signature ? formatDateTime(r.signature.signedAt) : '—'}</td>
                <td className="mono small">{r.signature?.keyId ?? '—'}</td>
              </tr>
            ))}
          </DataTable>
          {a.countersignature ? <Note tone="success">Countersigned by the platform {formatDateTime(a.countersignature.at)}: enforcement started.</Note> : null}
          {a.revocation ? <Note tone="warning">Revoked by {a.revocation.signer} ({a.revocation.tenant}) {formatDateTime(a.revocation.at)}.</Note> : null}
          {usageOf === a.id ? <AgreementUsage id={a.id} /> : null}
        </Card>
      ))}
    </div>
  );
}
