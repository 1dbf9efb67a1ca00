/** Users and API tokens (admins): add, change role, reset password, disable, remove; create and revoke tokens. */
import { useState } from 'preact/hooks';
import { api } from '../../kit/api.js';
import { Async, ErrorNote, Note, useToast } from '../../kit/components/feedback.js';
import { Button, ConfirmButton, Form, SelectField, TextField } from '../../kit/components/forms.js';
import { Badge, Card, Page } from '../../kit/components/layout.js';
import { Table } from '../../kit/components/table.js';
import { useAction, useApi } from '../../kit/hooks.js';
import { useSession } from '../../kit/session.js';
import { fmt } from '../../kit/strings.js';
import type { CreatedToken, Role, TokenList, UserList, UserView } from '../../kit/contracts.js';
import { S } from '../strings.js';

const roleOptions = (['viewer', 'manager', 'admin'] as Role[]).map((value) => ({ value, label: S.users.roles[value] }));

export default function Users() {
  return (
    <Page title={S.users.title}>
      <UsersCard />
      <TokensCard />
    </Page>
  );
}

function UsersCard() {
  const me = useSession();
  const users = useApi(() => api.get<UserList>('/users'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [resetting, setResetting] = useState<string | null>(null);
  const [newPassword, setNewPassword] = useState('');
  const toast = useToast();
  const add = useAction(async () => {
    await api.post('/users', { username, password, role });
    setUsername('');
    setPassword('');
    toast(S.users.saved);
    users.reload();
  });
  const update = useAction(async (id: string, patch: Record<string, unknown>) => {
    await api.patch(`/users/${encodeURIComponent(id)}`, patch);
    toast(S.users.saved);
    setResetting(null);
    setNewPassword('');
    users.reload();
  });
  const remove = useAction(async (id: string) => {
    await api.del(`/users/${encodeURIComponent(id)}`);
    toast(S.users.removed);
    users.reload();
  });
  return (
    <Card title={S.users.users}>
      <Async resource={users}>
        {(d) => (
          <Table<UserView>
            caption={S.users.users}
            rows={d.items}
            rowKey={(u) => u.id}
            columns={[
              { key: 'name', label: S.users.username, render: (u) => u.username },
              {
                key: 'role',
                label: S.users.role,
                render: (u) =>
                  u.username === me?.name ? (
                    S.users.roles[u.role]
                  ) : (
                    <select aria-label={`${S.users.role} ${u.username}`} value={u.role} onChange={(e) => void update.run(u.id, { role: e.currentTarget.value })}>
                      {roleOptions.map((o) => (
                        <option key={o.value} value={o.value}>
                          {o.label}
                        </option>
                      ))}
                    </select>
                  ),
              },
              { key: 'status', label: S.users.status, render: (u) => (u.disabled ? <Badge kind="danger">{S.users.disabled}</Badge> : <Badge kind="ok">{S.users.active}</Badge>) },
              { key: 'login', label: S.users.lastLogin, render: (u) => (u.lastLoginAt ? fmt.dateTime(u.lastLoginAt) : S.users.never) },
              {
                key: 'actions',
                label: '',
                render: (u) =>
                  u.username === me?.name ? null : (
                    <div class="row">
                      <Button onClick={() => setResetting(resetting === u.id ? null : u.id)}>{S.users.resetPassword}</Button>
                      <Button onClick={() => void update.run(u.id, { disabled: !u.disabled })}>{u.disabled ? S.users.enable : S.users.disable}</Button>
                      <ConfirmButton label={S.users.remove} busy={remove.busy} onConfirm={() => void remove.run(u.id)} />
                    </div>
                  ),
              },
            ]}
          />
        )}
      </Async>
      <ErrorNote error={update.error ?? remove.error} />
      {resetting && (
        <Form onSubmit={() => void update.run(resetting, { password: newPassword })} label={S.users.resetPassword}>
          <TextField label={S.users.newPassword} type="password" value={newPassword} onValue={setNewPassword} autoComplete="new-password" />
          <Button kind="primary" type="submit" busy={update.busy}>
            {S.users.resetPassword}
          </Button>
        </Form>
      )}
      <h3>{S.users.add}</h3>
      <Form onSubmit={() => void add.run()} error={add.error} label={S.users.add}>
        <TextField label={S.users.username} value={username} onValue={setUsername} autoComplete="off" autoCapitalize="none" />
        <TextField label={S.users.password} type="password" value={password} onValue={setPassword} autoComplete="new-password" hint={S.setup.passwordShort} />
        <SelectField label={S.users.role} hint={S.users.roleHint} value={role} onValue={setRole} options={roleOptions} />
        <Button kind="primary" type="submit" busy={add.busy}>
          {S.users.add}
        </Button>
      </Form>
    </Card>
  );
}

function TokensCard() {
  const tokens = useApi(() => api.get<TokenList>('/tokens'));
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const create = useAction(async () => {
    setCreated(await api.post<CreatedToken>('/tokens', { name, role }));
    setName('');
    tokens.reload();
  });
  const revoke = useAction(async (id: string) => {
    await api.del(`/tokens/${encodeURIComponent(id)}`);
    tokens.reload();
  });
  return (
    <Card title={S.users.tokens}>
      <p class="muted small">{S.users.tokensIntro}</p>
      {created && (
        <Note kind="ok">
          {S.users.tokenShownOnce}
          <div class="mono" style={{ overflowWrap: 'anywhere', marginTop: '0.3rem' }} data-testid="new-token">
            {created.token}
          </div>
        </Note>
      )}
      <Async resource={tokens} isEmpty={(d) => d.items.length === 0} empty={S.users.noTokens}>
        {(d) => (
          <Table
            caption={S.users.tokens}
            rows={d.items}
            rowKey={(t) => t.id}
            columns={[
              { key: 'name', label: S.users.tokenName, render: (t) => t.name },
              { key: 'role', label: S.users.role, render: (t) => S.users.roles[t.role] },
              { key: 'by', label: S.users.createdBy, render: (t) => t.createdBy },
              { key: 'used', label: S.users.lastUsed, render: (t) => (t.lastUsedAt ? fmt.dateTime(t.lastUsedAt) : S.users.never) },
              { key: 'x', label: '', render: (t) => <ConfirmButton label={S.users.revoke} busy={revoke.busy} onConfirm={() => void revoke.run(t.id)} /> },
            ]}
          />
        )}
      </Async>
      <ErrorNote error={revoke.error} />
      <Form onSubmit={() => void create.run()} error={create.error} label={S.users.createToken}>
        <TextField label={S.users.tokenName} value={name} onValue={setName} autoComplete="off" />
        <SelectField label={S.users.role} value={role} onValue={setRole} options={roleOptions} />
        <Button kind="primary" type="submit" busy={create.busy}>
          {S.users.createToken}
        </Button>
      </Form>
    </Card>
  );
}
