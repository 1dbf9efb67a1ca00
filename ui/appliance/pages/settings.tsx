/**
 * Settings, one card per concern, each saved on its own (a deep-merge PATCH of just that part). The API
 * says which changed paths need a restart; the page then offers the restart button.
 */
import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { api } from '../../kit/api.js';
import { Async, ErrorNote, Note, useToast } from '../../kit/components/feedback.js';
import { Button, CheckField, ConfirmButton, Form, NumberField, SelectField, TextField } from '../../kit/components/forms.js';
import { Card, Page } from '../../kit/components/layout.js';
import { Table } from '../../kit/components/table.js';
import { useAction, useApi, useInterval } from '../../kit/hooks.js';
import { useCan } from '../../kit/session.js';
import type { CloudStatus, MqttAccountList, SettingsUpdateView, SettingsView, SetupStatus, Settings as SettingsT } from '../../kit/contracts.js';
import { RestartButton } from '../restart.js';
import { CloudState } from '../cloud-state.js';
import { TimezoneField } from '../timezone-field.js';
import { S } from '../strings.js';

type Patch = Record<string, unknown>;

export default function Settings() {
  const can = useCan();
  const settings = useApi(() => api.get<SettingsView>('/settings'));
  const [restartPaths, setRestartPaths] = useState<string[]>([]);
  const writable = can('settings.write');
  const onSaved = (r: SettingsUpdateView) => {
    if (r.restartRequired.length) setRestartPaths((p) => [...new Set([...p, ...r.restartRequired])]);
    settings.reload();
  };
  return (
    <Page title={S.settings.title}>
      {!writable && <Note>{S.settings.readOnly}</Note>}
      {restartPaths.length > 0 && (
        <div class="note warn" role="status">
          <p>{S.settings.restartNeeded(restartPaths)}</p>
          {can('system.restart') && <RestartButton onBack={() => setRestartPaths([])} />}
        </div>
      )}
      <Async resource={settings}>
        {(d) => (
          <div class="grid wide">
            <SiteCard s={d.settings} writable={writable} onSaved={onSaved} />
            <RecognitionCard s={d.settings} writable={writable} onSaved={onSaved} />
            <RetentionCard s={d.settings} writable={writable} onSaved={onSaved} />
            <MqttCard s={d.settings} writable={writable} onSaved={onSaved} />
            {can('mqtt.manage') && <MqttAccountsCard />}
            <CloudCard s={d.settings} writable={writable} />
          </div>
        )}
      </Async>
    </Page>
  );
}

interface CardProps {
  s: SettingsT;
  writable: boolean;
  onSaved: (r: SettingsUpdateView) => void;
}

const patchSettings = (patch: Patch) => api.patch<SettingsUpdateView>('/settings', patch);

/** A settings card whose form saves one part (usually a PATCH of it) and reports what changed. */
function SettingsForm({ title, intro, patch, writable, onSaved, children }: { title: string; intro?: string; patch: () => Promise<SettingsUpdateView>; writable: boolean; onSaved: (r: SettingsUpdateView) => void; children: ComponentChildren }) {
  const toast = useToast();
  const save = useAction(async () => {
    const r = await patch();
    toast(r.changed.length ? S.settings.saved : S.settings.noChange);
    onSaved(r);
  });
  return (
    <Card title={title}>
      {intro && <p class="muted small">{intro}</p>}
      <Form onSubmit={() => void save.run()} error={save.error} label={title}>
        <fieldset disabled={!writable} style={{ border: 0, padding: 0, margin: 0 }}>
          {children}
          {writable && (
            <div class="form-actions">
              <Button kind="primary" type="submit" busy={save.busy}>
                {S.settings.save}
              </Button>
            </div>
          )}
        </fieldset>
      </Form>
    </Card>
  );
}

function SiteCard({ s, writable, onSaved }: CardProps) {
  const [name, setName] = useState(s.site.name);
  const [timezone, setTimezone] = useState(s.site.timezone);
  const [gap, setGap] = useState(s.visitGapMinutes);
  const save = async () => {
    const siteResult = await api.patch<SettingsUpdateView>('/setup/site', { name, timezone });
    const r = await patchSettings({ visitGapMinutes: gap });
    return { ...r, changed: [...siteResult.changed, ...r.changed] };
  };
  return (
    <SettingsForm title={S.settings.site} writable={writable} onSaved={onSaved} patch={save}>
      <TextField label={S.settings.siteName} value={name} onValue={setName} />
      <TimezoneField label={S.settings.timezone} value={timezone} onValue={setTimezone} />
      <NumberField label={S.settings.visitGap} hint={S.settings.visitGapHint} value={gap} onValue={setGap} min={1} max={1440} />
    </SettingsForm>
  );
}

function RecognitionCard({ s, writable, onSaved }: CardProps) {
  const [r, setR] = useState(s.recognition);
  const set = (k: keyof typeof r) => (v: number | boolean) => setR({ ...r, [k]: v });
  return (
    <SettingsForm title={S.settings.recognition} intro={S.settings.recognitionIntro} writable={writable} onSaved={onSaved} patch={() => patchSettings({ recognition: r })}>
      <NumberField label={S.settings.detectionThreshold} hint={S.settings.detectionThresholdHint} value={r.detectionThreshold} onValue={set('detectionThreshold')} min={0.1} max={0.99} step={0.01} />
      <NumberField label={S.settings.minFaceSize} hint={S.settings.minFaceSizeHint} value={r.minFaceSize} onValue={set('minFaceSize')} min={12} max={400} />
      <NumberField label={S.settings.minSharpness} hint={S.settings.minSharpnessHint} value={r.minSharpness} onValue={set('minSharpness')} min={0} max={10000} />
      <CheckField label={S.settings.tiling} hint={S.settings.tilingHint} checked={r.tiling} onValue={set('tiling')} />
    </SettingsForm>
  );
}

function RetentionCard({ s, writable, onSaved }: CardProps) {
  const [r, setR] = useState(s.retention);
  const set = (k: keyof typeof r) => (v: number) => setR({ ...r, [k]: v });
  return (
    <SettingsForm title={S.settings.retention} intro={S.settings.retentionIntro} writable={writable} onSaved={onSaved} patch={() => patchSettings({ retention: r })}>
      <NumberField label={S.settings.unknownCropDays} value={r.unknownCropDays} onValue={set('unknownCropDays')} min={1} max={3650} />
      <NumberField label={S.settings.customerCropDays} value={r.customerCropDays} onValue={set('customerCropDays')} min={1} max={3650} />
      <NumberField label={S.settings.customerUnseenDays} value={r.customerUnseenDays} onValue={set('customerUnseenDays')} min={1} max={3650} />
      <NumberField label={S.settings.visitDays} value={r.visitDays} onValue={set('visitDays')} min={1} max={3650} />
    </SettingsForm>
  );
}

function MqttCard({ s, writable, onSaved }: CardProps) {
  const [m, setM] = useState({ port: s.mqtt.port, baseTopic: s.mqtt.baseTopic, homeAssistantDiscovery: s.mqtt.homeAssistantDiscovery, healthIntervalSeconds: s.mqtt.healthIntervalSeconds });
  const [httpPort, setHttpPort] = useState(s.http.port);
  return (
    <SettingsForm title={S.settings.mqtt} intro={`${S.settings.mqttIntro} ${S.settings.mqttRestart}`} writable={writable} onSaved={onSaved} patch={() => patchSettings({ mqtt: m, http: { port: httpPort } })}>
      <NumberField label={S.settings.mqttPort} value={m.port} onValue={(port) => setM({ ...m, port })} min={0} max={65535} />
      <TextField label={S.settings.baseTopic} value={m.baseTopic} onValue={(baseTopic) => setM({ ...m, baseTopic })} />
      <NumberField label={S.settings.healthInterval} value={m.healthIntervalSeconds} onValue={(v) => setM({ ...m, healthIntervalSeconds: v })} min={5} max={3600} />
      <CheckField label={S.settings.discovery} hint={S.settings.discoveryHint} checked={m.homeAssistantDiscovery} onValue={(v) => setM({ ...m, homeAssistantDiscovery: v })} />
      <NumberField label={S.settings.http} hint={S.settings.httpHint} value={httpPort} onValue={setHttpPort} min={1} max={65535} />
    </SettingsForm>
  );
}

function MqttAccountsCard() {
  const accounts = useApi(() => api.get<MqttAccountList>('/mqtt/accounts'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<'integration' | 'admin'>('integration');
  const toast = useToast();
  const add = useAction(async () => {
    await api.post('/mqtt/accounts', { username, password, role });
    setUsername('');
    setPassword('');
    toast(S.settings.saved);
    accounts.reload();
  });
  const remove = useAction(async (u: string) => {
    await api.del(`/mqtt/accounts/${encodeURIComponent(u)}`);
    accounts.reload();
  });
  return (
    <Card title={S.settings.mqttAccounts}>
      <Async resource={accounts} isEmpty={(d) => d.items.length === 0} empty={S.settings.noAccounts}>
        {(d) => (
          <Table
            caption={S.settings.mqttAccounts}
            rows={d.items}
            rowKey={(a) => a.username}
            columns={[
              { key: 'u', label: S.settings.mqttUser, render: (a) => a.username },
              { key: 'r', label: S.settings.mqttRole, render: (a) => a.role },
              { key: 'x', label: '', render: (a) => <ConfirmButton label={S.settings.removeAccount} busy={remove.busy} onConfirm={() => void remove.run(a.username)} /> },
            ]}
          />
        )}
      </Async>
      <ErrorNote error={remove.error} />
      <Form onSubmit={() => void add.run()} error={add.error} label={S.settings.addAccount}>
        <TextField label={S.settings.mqttUser} value={username} onValue={setUsername} autoComplete="off" />
        <TextField label={S.settings.mqttPassword} type="password" value={password} onValue={setPassword} autoComplete="new-password" />
        <SelectField label={S.settings.mqttRole} value={role} onValue={setRole} options={[{ value: 'integration', label: 'integration' }, { value: 'admin', label: 'admin' }]} />
        <Button type="submit" busy={add.busy}>
          {S.settings.addAccount}
        </Button>
      </Form>
    </Card>
  );
}

function CloudCard({ s, writable }: { s: SettingsT; writable: boolean }) {
  const cloud = useApi(() => api.get<CloudStatus>('/setup/cloud'));
  useInterval(cloud.reload, 10_000);
  const [url, setUrl] = useState(s.cloud.url ?? '');
  const [claimCode, setClaimCode] = useState('');
  const toast = useToast();
  const save = useAction(async () => {
    await api.put('/setup/cloud', { url, claimCode });
    setClaimCode('');
    toast(S.settings.saved);
    cloud.reload();
  });
  return (
    <Card title={S.settings.cloud}>
      <Async resource={cloud}>{(c) => <CloudState c={c} />}</Async>
      {writable && (
        <Form onSubmit={() => void save.run()} error={save.error} label={S.settings.cloud}>
          <TextField label={S.settings.cloudUrl} type="url" value={url} onValue={setUrl} placeholder="https://hq.example.com" />
          <TextField label={S.settings.claimCode} value={claimCode} onValue={setClaimCode} autoComplete="off" />
          <Button type="submit" busy={save.busy} disabled={!url || !claimCode}>
            {S.settings.saveCloud}
          </Button>
        </Form>
      )}
    </Card>
  );
}
