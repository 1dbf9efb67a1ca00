/** People of the organisation: invite (one-time link), role and sites, disable/enable, new link, revoke API token. */
import { useId, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Async, Note, useToast } from '../../kit/components/feedback.js';
import { Button, ConfirmButton, Form, SelectField, TextField } from '../../kit/components/forms.js';
import { Badge, Card, Page } from '../../kit/components/layout.js';
import { Table } from '../../kit/components/table.js';
import { useAction, useApi } from '../../kit/hooks.js';
import { useSession } from '../../kit/session.js';
import { fmt } from '../../kit/strings.js';
import type { HqRole, InviteAnswer, PersonView, SiteView } from '../contracts.js';
import { S } from '../strings.js';

const ROLES: HqRole[] = ['analyst', 'regional_manager', 'org_admin'];
const inviteLink = (code: string) => `${location.origin}/invite/${encodeURIComponent(code)}`;

/** A regional manager's sites: a compact multi-select list (an organisation can have hundreds of sites). */
function SitePicker({ sites, value, onValue }: { sites: SiteView[]; value: string[]; onValue: (v: string[]) => void }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{S.users.sites}</label>
      <span class="hint" id={`${id}-hint`}>{S.users.sitesHint}</span>
      <select
        id={id}
        multiple
        size={Math.min(8, Math.max(3, sites.length))}
        aria-describedby={`${id}-hint`}
        onChange={(e) => onValue([...e.currentTarget.selectedOptions].map((o) => o.value))}
      >
        {sites.map((s) => (
          <option key={s.id} value={s.id} selected={value.includes(s.id)}>
            {s.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function Invite({ sites, onDone }: { sites: SiteView[]; onDone: () => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<HqRole>('analyst');
  const [siteIds, setSiteIds] = useState<string[]>([]);
  const [link, setLink] = useState<string | null>(null);
  const send = useAction(async () => {
    const r = await api.post<InviteAnswer>('/users', { email, role, siteIds: role === 'regional_manager' ? siteIds : [], apiToken: false });
    setLink(inviteLink(r.invite.code));
    setEmail('');
    onDone();
  });
  return (
    <Card title={S.users.invite}>
      <Form onSubmit={() => void send.run()} error={send.error} label={S.users.invite}>
        <div class="filters">
          <TextField label={S.users.email} type="email" value={email} onValue={setEmail} required />
          <SelectField label={S.users.role} value={role} onValue={setRole} options={ROLES.map((r) => ({ value: r, label: S.roles[r] }))} />
        </div>
        {role === 'regional_manager' && <SitePicker sites={sites} value={siteIds} onValue={setSiteIds} />}
        <div class="form-actions"><Button kind="primary" type="submit" busy={send.busy}>{S.users.send}</Button></div>
      </Form>
      {link && (
        <Note kind="ok">
          {S.users.link} <span class="mono invite-link" data-testid="invite-link">{link}</span>
        </Note>
      )}
    </Card>
  );
}

function Person({ p, sites, me, onChanged, onLink }: { p: PersonView; sites: SiteView[]; me: boolean; onChanged: () => void; onLink: (l: string) => void }) {
  const toast = useToast();
  const [role, setRole] = useState<HqRole>(p.role);
  const [siteIds, setSiteIds] = useState<string[]>(p.siteIds);
  const act = useAction(async (what: 'disable' | 'enable' | 'revoke' | 'invite' | 'save') => {
    if (what === 'save') await api.patch(`/users/${p.id}`, { role, siteIds: role === 'regional_manager' ? siteIds : [] });
    else if (what === 'invite') onLink(inviteLink((await api.post<{ code: string }>(`/users/${p.id}/invite`)).code));
    else await api.post(`/users/${p.id}/${what}`);
    if (what === 'save') toast(S.users.save);
    onChanged();
  });
  return (
    <div class="stack">
      {!me && (
        <div class="row">
          <SelectField label={S.users.role} value={role} onValue={setRole} options={ROLES.map((r) => ({ value: r, label: S.roles[r] }))} />
          <Button busy={act.busy} onClick={() => void act.run('save')}>{S.users.save}</Button>
          {p.status === 'disabled' ? (
            <Button busy={act.busy} onClick={() => void act.run('enable')}>{S.users.enable}</Button>
          ) : (
            <ConfirmButton label={S.users.disable} busy={act.busy} onConfirm={() => void act.run('disable')} />
          )}
          <Button busy={act.busy} onClick={() => void act.run('invite')}>{S.users.newLink}</Button>
          {p.hasApiToken && <ConfirmButton label={S.users.revokeToken} busy={act.busy} onConfirm={() => void act.run('revoke')} />}
        </div>
      )}
      {!me && role === 'regional_manager' && <SitePicker sites={sites} value={siteIds} onValue={setSiteIds} />}
      {act.error && <Note kind="error">{act.error.message}</Note>}
    </div>
  );
}

export default function Users() {
  const session = useSession()!;
  const people = useApi(() => api.get<{ users: PersonView[] }>('/users'), []);
  const sites = useApi(() => api.get<{ sites: SiteView[] }>('/sites'), []);
  const [link, setLink] = useState<string | null>(null);
  const siteName = (id: string) => sites.data?.sites.find((s) => s.id === id)?.name ?? id;
  return (
    <Page title={S.users.title}>
      <Invite sites={sites.data?.sites ?? []} onDone={people.reload} />
      {link && <Note kind="ok">{S.users.link} <span class="mono invite-link">{link}</span></Note>}
      <Card title={S.users.title}>
        <Async resource={people}>
          {(d) => (
            <Table
              caption={S.users.title}
              rows={d.users}
              rowKey={(p) => p.id + p.role + p.status + p.siteIds.join()}
              columns={[
                { key: 'email', label: S.users.email, render: (p) => <>{p.email}{p.email === session.name && <span class="muted"> ({S.users.you})</span>}</> },
                { key: 'role', label: S.users.role, render: (p) => <>{S.roles[p.role]}{p.siteIds.length > 0 && <div class="small muted">{p.siteIds.map(siteName).join(', ')}</div>}</> },
                { key: 'status', label: S.users.status, render: (p) => <Badge kind={p.status === 'active' ? 'ok' : p.status === 'disabled' ? 'danger' : 'warn'}>{S.users.statuses[p.status]}</Badge> },
                { key: 'last', label: S.users.lastSignIn, render: (p) => fmt.dateTime(p.lastSignInAt) },
                { key: 'act', label: S.users.actions, render: (p) => <Person p={p} sites={sites.data?.sites ?? []} me={p.email === session.name} onChanged={people.reload} onLink={setLink} /> },
              ]}
            />
          )}
        </Async>
      </Card>
    </Page>
  );
}
