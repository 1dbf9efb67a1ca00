/** Alert rules and the webhook (admins change them), and every alert with its webhook delivery. */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Async, useToast } from '../../kit/components/feedback.js';
import { Button, CheckField, ConfirmButton, Form, NumberField, SelectField, TextField } from '../../kit/components/forms.js';
import { Badge, Card, Page } from '../../kit/components/layout.js';
import { Table } from '../../kit/components/table.js';
import { useAction, useApi, useInterval } from '../../kit/hooks.js';
import { useCan } from '../../kit/session.js';
import type { AlertEventView, AlertKind, AlertRuleView, WebhookView } from '../contracts.js';
import { siteTime } from '../dates.js';
import { S } from '../strings.js';

const KINDS: AlertKind[] = ['device_offline', 'camera_down', 'backlog_above', 'disk_above'];
const DEFAULTS: Record<AlertKind, number> = { device_offline: 10, camera_down: 10, backlog_above: 1000, disk_above: 90 };
const UNITS: Record<AlertKind, string> = { device_offline: 'min', camera_down: 'min', backlog_above: 'items', disk_above: '%' };

function Rules({ admin }: { admin: boolean }) {
  const toast = useToast();
  const rules = useApi(() => api.get<{ rules: AlertRuleView[] }>('/alerts/rules'), []);
  const [kind, setKind] = useState<AlertKind>('device_offline');
  const [threshold, setThreshold] = useState(DEFAULTS.device_offline);
  const add = useAction(async () => {
    await api.post('/alerts/rules', { kind, threshold });
    toast(S.alerts.added);
    rules.reload();
  });
  const change = useAction(async (id: string, body: unknown) => {
    await api.patch(`/alerts/rules/${id}`, body);
    rules.reload();
  });
  const remove = useAction(async (id: string) => {
    await api.del(`/alerts/rules/${id}`);
    rules.reload();
  });
  return (
    <Card title={S.alerts.rules}>
      <Async resource={rules} isEmpty={(r) => r.rules.length === 0} empty={S.alerts.noRules}>
        {(r) => (
          <Table
            caption={S.alerts.rules}
            rows={r.rules}
            rowKey={(x) => x.id}
            columns={[
              { key: 'kind', label: S.alerts.kind, render: (x) => S.alerts.kinds[x.kind] },
              { key: 'th', label: S.alerts.threshold, render: (x) => S.alerts.rule(x.kind, x.threshold, UNITS[x.kind]) },
              {
                key: 'on',
                label: S.alerts.enabled,
                render: (x) => (admin ? <CheckField label={S.alerts.enabled} checked={x.enabled} onValue={(v) => void change.run(x.id, { enabled: v })} /> : x.enabled ? '✓' : '—'),
              },
              { key: 'del', label: '', render: (x) => (admin ? <ConfirmButton label={S.alerts.remove} busy={remove.busy} onConfirm={() => void remove.run(x.id)} /> : null) },
            ]}
          />
        )}
      </Async>
      {admin && (
        <Form onSubmit={() => void add.run()} error={add.error ?? change.error ?? remove.error} label={S.alerts.add}>
          <div class="filters">
            <SelectField label={S.alerts.kind} value={kind} onValue={(k) => { setKind(k); setThreshold(DEFAULTS[k]); }} options={KINDS.map((k) => ({ value: k, label: S.alerts.kinds[k] }))} />
            <NumberField label={`${S.alerts.threshold} (${UNITS[kind]})`} value={threshold} onValue={setThreshold} min={0} step={kind === 'backlog_above' ? 1 : 0.5} />
            <div class="filter-action"><Button kind="primary" type="submit" busy={add.busy}>{S.alerts.add}</Button></div>
          </div>
        </Form>
      )}
    </Card>
  );
}

function Webhook({ admin }: { admin: boolean }) {
  const toast = useToast();
  const hook = useApi(() => api.get<WebhookView>('/alerts/webhook'), []);
  const [url, setUrl] = useState<string | null>(null);
  const save = useAction(async () => {
    await api.put('/alerts/webhook', { url: (url ?? hook.data?.url ?? '').trim() || null });
    toast(S.alerts.saveWebhook);
    hook.reload();
  });
  const rotate = useAction(async () => {
    await api.post('/alerts/webhook/rotate');
    hook.reload();
  });
  return (
    <Card title={S.alerts.webhook}>
      <Async resource={hook}>
        {(h) =>
          admin ? (
            <Form onSubmit={() => void save.run()} error={save.error ?? rotate.error} label={S.alerts.webhook}>
              <TextField label={S.alerts.webhookUrl} hint={S.alerts.webhookHint} type="url" value={url ?? h.url ?? ''} onValue={setUrl} placeholder="https://example.com/hooks/cva" />
              {h.secret && (
                <p class="small">
                  {S.alerts.secret}: <span class="mono">{h.secret}</span>{' '}
                  <Button kind="link" busy={rotate.busy} onClick={() => void rotate.run()}>{S.alerts.rotate}</Button>
                </p>
              )}
              <div class="form-actions"><Button kind="primary" type="submit" busy={save.busy}>{S.alerts.saveWebhook}</Button></div>
            </Form>
          ) : (
            <p>{h.url ?? S.alerts.noWebhook}</p>
          )
        }
      </Async>
    </Card>
  );
}

function History() {
  const history = useApi(() => api.get<{ alerts: AlertEventView[] }>('/alerts/history'), []);
  useInterval(history.reload, 15_000);
  return (
    <Card title={S.alerts.history}>
      <Async resource={history} isEmpty={(h) => h.alerts.length === 0} empty={S.alerts.noHistory}>
        {(h) => (
          <Table
            caption={S.alerts.history}
            rows={h.alerts}
            rowKey={(a) => a.id}
            columns={[
              { key: 'fired', label: S.alerts.fired, render: (a) => siteTime(a.firedAt, a.timezone ?? 'UTC') },
              { key: 'res', label: S.alerts.resolved, render: (a) => (a.resolvedAt ? siteTime(a.resolvedAt, a.timezone ?? 'UTC') : <Badge kind="danger">{S.alerts.open}</Badge>) },
              { key: 'where', label: S.alerts.where, render: (a) => <>{a.siteName}{a.deviceId && <div class="small"><a href={`/devices/${a.deviceId}`}>{a.deviceName}</a></div>}</> },
              { key: 'what', label: S.alerts.what, render: (a) => a.message },
              {
                key: 'dlv',
                label: S.alerts.delivery,
                render: (a) =>
                  a.delivery ? (
                    <span title={a.delivery.lastError ?? undefined}>
                      <Badge kind={a.delivery.status === 'delivered' ? 'ok' : a.delivery.status === 'failed' ? 'danger' : 'warn'}>{S.alerts.deliveries[a.delivery.status] ?? a.delivery.status}</Badge>{' '}
                      <span class="small muted">{S.alerts.attempts(a.delivery.attempts)}</span>
                    </span>
                  ) : '—',
              },
            ]}
          />
        )}
      </Async>
    </Card>
  );
}

export default function Alerts() {
  const admin = useCan()('alerts.manage');
  return (
    <Page title={S.alerts.title}>
      <History />
      <Rules admin={admin} />
      <Webhook admin={admin} />
    </Page>
  );
}
