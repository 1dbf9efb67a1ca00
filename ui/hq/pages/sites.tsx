/** Sites: create and edit (name, time zone, region), and each site's claim codes: create, list, revoke, print. */
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Async } from '../../kit/components/feedback.js';
import { Button, ConfirmButton, Form, NumberField, SelectField, TextField } from '../../kit/components/forms.js';
import { Badge, Card, Page } from '../../kit/components/layout.js';
import { Table } from '../../kit/components/table.js';
import { useAction, useApi } from '../../kit/hooks.js';
import { useToast } from '../../kit/components/feedback.js';
import { siteTime } from '../dates.js';
import type { ClaimCodeView, FleetDevice, SiteView } from '../contracts.js';
import { S } from '../strings.js';

const zones = (): string[] => {
  const all = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return all.includes('UTC') ? all : ['UTC', ...all];
};

function SiteFields({ name, timezone, region, set }: { name: string; timezone: string; region: string; set: (k: 'name' | 'timezone' | 'region', v: string) => void }) {
  const tz = useMemo(zones, []);
  return (
    <div class="filters">
      <TextField label={S.sites.name} value={name} onValue={(v) => set('name', v)} required maxLength={120} />
      <SelectField label={S.sites.timezone} value={timezone} onValue={(v) => set('timezone', v)} options={tz.map((z) => ({ value: z, label: z }))} />
      <TextField label={S.sites.region} hint={S.sites.regionHint} value={region} onValue={(v) => set('region', v)} maxLength={80} />
    </div>
  );
}

function AddSite({ onAdded }: { onAdded: () => void }) {
  const toast = useToast();
  const [f, setF] = useState({ name: '', timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', region: '' });
  const add = useAction(async () => {
    const s = await api.post<SiteView>('/sites', { name: f.name, timezone: f.timezone, region: f.region || null });
    toast(S.sites.created(s.name));
    setF({ ...f, name: '' });
    onAdded();
  });
  return (
    <Card title={S.sites.add}>
      <Form onSubmit={() => void add.run()} error={add.error} label={S.sites.add}>
        <SiteFields {...f} set={(k, v) => setF({ ...f, [k]: v })} />
        <div class="form-actions"><Button kind="primary" type="submit" busy={add.busy}>{S.sites.create}</Button></div>
      </Form>
    </Card>
  );
}

function ClaimCodes({ site }: { site: SiteView }) {
  const codes = useApi(() => api.get<{ claimCodes: ClaimCodeView[] }>(`/sites/${site.id}/claim-codes`), [site.id]);
  const [hours, setHours] = useState(24);
  const make = useAction(async () => {
    await api.post(`/sites/${site.id}/claim-codes`, { ttlMinutes: Math.round(hours * 60) });
    codes.reload();
  });
  const revoke = useAction(async (code: string) => {
    await api.post(`/claim-codes/${code}/revoke`);
    codes.reload();
  });
  return (
    <div class="stack">
      <Form onSubmit={() => void make.run()} error={make.error ?? revoke.error} label={`${S.sites.newCode} — ${site.name}`}>
        <div class="filters">
          <NumberField label={S.sites.ttl} value={hours} onValue={setHours} min={1} max={168} step={1} />
          <div class="filter-action"><Button type="submit" busy={make.busy}>{S.sites.newCode}</Button></div>
        </div>
      </Form>
      <Async resource={codes} isEmpty={(c) => c.claimCodes.length === 0} empty={S.sites.noCodes}>
        {(c) => (
          <Table
            caption={`${S.sites.codes} — ${site.name}`}
            rows={c.claimCodes}
            rowKey={(x) => x.code}
            columns={[
              { key: 'code', label: S.sites.code, render: (x) => <span class="mono">{x.code}</span> },
              { key: 'state', label: S.sites.state, render: (x) => <Badge kind={x.state === 'active' ? 'ok' : undefined}>{S.sites.states[x.state]}</Badge> },
              { key: 'exp', label: S.sites.expires, render: (x) => siteTime(x.expiresAt, site.timezone) },
              { key: 'used', label: S.sites.usedBy, render: (x) => x.usedByDeviceName ?? '—' },
              {
                key: 'act',
                label: '',
                render: (x) =>
                  x.state === 'active' ? (
                    <span class="row">
                      <a href={`/sites/${site.id}/claim-sheet/${x.code}`}>{S.sites.sheet}</a>
                      <ConfirmButton label={S.sites.revoke} busy={revoke.busy} onConfirm={() => void revoke.run(x.code)} />
                    </span>
                  ) : null,
              },
            ]}
          />
        )}
      </Async>
    </div>
  );
}

function SiteCard({ site, devices, onSaved }: { site: SiteView; devices: number; onSaved: () => void }) {
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  const [f, setF] = useState({ name: site.name, timezone: site.timezone, region: site.region ?? '' });
  const save = useAction(async () => {
    await api.patch(`/sites/${site.id}`, { name: f.name, timezone: f.timezone, region: f.region || null });
    toast(S.sites.saved);
    setEditing(false);
    onSaved();
  });
  return (
    <Card
      title={site.name}
      actions={<Button onClick={() => setEditing(!editing)} aria-expanded={editing}>{S.sites.edit}</Button>}
    >
      <p class="small muted">
        {site.timezone}{site.region ? ` · ${site.region}` : ''} · {S.sites.devices}: {devices}
      </p>
      {editing && (
        <Form onSubmit={() => void save.run()} error={save.error} label={`${S.sites.edit} ${site.name}`}>
          <SiteFields {...f} set={(k, v) => setF({ ...f, [k]: v })} />
          <div class="form-actions"><Button kind="primary" type="submit" busy={save.busy}>{S.sites.save}</Button></div>
        </Form>
      )}
      <h3>{S.sites.codes}</h3>
      <ClaimCodes site={site} />
    </Card>
  );
}

export default function Sites() {
  const sites = useApi(() => api.get<{ sites: SiteView[] }>('/sites'), []);
  const fleet = useApi(() => api.get<{ devices: FleetDevice[] }>('/fleet/devices'), []);
  const perSite = useMemo(() => {
    const m = new Map<string, number>();
    for (const d of fleet.data?.devices ?? []) m.set(d.siteId, (m.get(d.siteId) ?? 0) + 1);
    return m;
  }, [fleet.data]);
  return (
    <Page title={S.sites.title}>
      <AddSite onAdded={sites.reload} />
      <Async resource={sites} isEmpty={(s) => s.sites.length === 0} empty={S.sites.empty}>
        {(s) => (
          <>
            {s.sites.map((site) => (
              <SiteCard key={site.id + site.name + site.timezone + site.region} site={site} devices={perSite.get(site.id) ?? 0} onSaved={sites.reload} />
            ))}
          </>
        )}
      </Async>
    </Page>
  );
}
