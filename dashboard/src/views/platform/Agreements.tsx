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
import { known, useT } from '../../i18n/index.tsx';
import { AgreementProposal } from './AgreementProposal.tsx';
import { AgreementUsage } from './AgreementUsage.tsx';

const STATUS_TONE = { proposed: 'warn', active: 'ok', revoked: 'muted' } as const;

export function Agreements() {
  const api = useApi();
  const { t } = useT();
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
        title={t('agreements.title')}
        subtitle={t('agreements.subtitle')}
        actions={mayPropose ? <Button variant="primary" onClick={() => setProposing(true)}>{t('agreements.propose')}</Button> : null}
      />
      <AgreementProposal open={proposing} onClose={() => setProposing(false)} onProposed={res.reload} />
      <ConfirmAction
        open={revoking !== null}
        title={t('agreements.revokeTitle', { title: revoking?.title ?? '' })}
        consequences={<p>{t('agreements.revokeConsequences')}</p>}
        typed={revoking?.title}
        actionLabel={t('agreements.revokeAction')}
        onConfirm={async () => {
          const r = await api.post<AgreementView>(`/agreements/${revoking!.id}/revoke`);
          res.reload();
          return r;
        }}
        result={(r) => t('agreements.revokedResult', { at: r.revocation ? formatDateTime(r.revocation.at) : '' })}
        onClose={() => setRevoking(null)}
      />
      <ErrorNote error={res.error ?? sign.error} onRetry={res.reload} />
      {!res.data ? <Loading /> : items.length === 0 ? <EmptyState title={t('agreements.none')}>{t('agreements.noneBody')}</EmptyState> : null}
      {items.map((a) => (
        <Card
          key={a.id}
          title={
            <>
              {a.title} <Pill tone={STATUS_TONE[a.status]}>{t(`agreementStatus.${a.status}`)}</Pill> <Pill tone="neutral">v{a.version ?? 1}</Pill>
            </>
          }
          actions={
            <>
              {maySign && awaitsSignatureOf(a, tenant) ? (
                <Button variant="primary" busy={sign.busy} onClick={() => void sign.run(a.id)}>
                  {t('agreements.sign', { version: String(a.version ?? 1), party: t(`party.${partyOf(a, tenant)}`) })}
                </Button>
              ) : null}
              <Button aria-expanded={usageOf === a.id} onClick={() => setUsageOf(usageOf === a.id ? null : a.id)}>
                {t('agreements.usage')}
              </Button>
              {maySign && a.status !== 'revoked' ? (
                <Button variant="danger" onClick={() => setRevoking(a)}>
                  {t('agreements.revoke')}
                </Button>
              ) : null}
            </>
          }
        >
          <p className="small">
            {t('agreements.terms', {
              provider: a.providerTenant,
              consumer: a.consumerTenant,
              purpose: known(t, `purpose.${a.purpose}`, a.purpose),
              categories: a.categories.join(', '),
              operations: a.operations.join(', '),
              from: formatDate(a.validFrom),
              until: formatDate(a.validUntil),
            })}
          </p>
          <DataTable columns={[t('agreements.colParty'), t('agreements.colTenant'), t('agreements.colSignedBy'), t('agreements.colWhen'), t('agreements.colKey')]}>
            {signatureRows(a).map((r) => (
              <tr key={r.party}>
                <td>{t(`party.${r.party}`)}</td>
                <td className="mono">{r.tenant}</td>
                <td>{r.signature ? r.signature.signer : <Pill tone="warn">{t('agreements.notSigned')}</Pill>}</td>
                <td>{r.signature ? formatDateTime(r.signature.signedAt) : '—'}</td>
                <td className="mono small">{r.signature?.keyId ?? '—'}</td>
              </tr>
            ))}
          </DataTable>
          {a.countersignature ? <Note tone="success">{t('agreements.countersigned', { at: formatDateTime(a.countersignature.at) })}</Note> : null}
          {a.revocation ? <Note tone="warning">{t('agreements.revoked', { signer: a.revocation.signer, tenant: a.revocation.tenant, at: formatDateTime(a.revocation.at) })}</Note> : null}
          {usageOf === a.id ? <AgreementUsage id={a.id} /> : null}
        </Card>
      ))}
    </div>
  );
}
