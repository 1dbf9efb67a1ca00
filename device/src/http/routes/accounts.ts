import { z } from 'zod';
import {
  CreatedToken,
  CreateTokenRequest,
  CreateUserRequest,
  IdParams,
  MqttAccountList,
  MqttAccountView,
  TokenList,
  TokenView,
  UpdateUserRequest,
  UserList,
  MqttUsernameParams,
  UserView,
} from '../../contracts/http.js';
import { HttpError, unwrap } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import { need, type HttpDeps } from '../deps.js';
import type { AccountError } from '../../accounts/accounts-store.js';
import type { Result } from '../../util/result.js';
import { MqttAccountCreate } from '../../mqtt/accounts.js';

function accountResult<T>(r: Result<T, AccountError>): T {
  if (r.ok) return r.value;
  if (r.error.code === 'not_found') throw new HttpError(404, 'not_found', r.error.message);
  throw new HttpError(409, 'conflict', r.error.message);
}

export function userRoutes({ accounts }: HttpDeps): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/users',
      tag: 'users',
      summary: 'Appliance users',
      access: 'users.manage',
      response: { schema: UserList },
      async handle() {
        return { items: accounts.store.listUsers() };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/users',
      tag: 'users',
      summary: 'Add a user',
      access: 'users.manage',
      body: CreateUserRequest,
      response: { status: 201, schema: UserView },
      async handle({ body, audit }) {
        const u = accountResult(await accounts.store.createUser(body));
        await audit('user.created', u.username, { role: u.role });
        return u;
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/users/:id',
      tag: 'users',
      summary: "Change a user's role, password or disabled flag (signs them out everywhere)",
      access: 'users.manage',
      params: IdParams,
      body: UpdateUserRequest,
      response: { schema: UserView },
      async handle({ params, body, audit }) {
        const u = accountResult(await accounts.store.updateUser(params.id, body));
        if (body.password !== undefined || body.disabled || body.role !== undefined) await accounts.sessions.destroyForUser(u.id);
        await audit('user.updated', u.username, { fields: Object.keys(body) });
        return u;
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/users/:id',
      tag: 'users',
      summary: 'Remove a user',
      access: 'users.manage',
      params: IdParams,
      response: { schema: UserView },
      async handle({ params, audit }) {
        const u = accountResult(await accounts.store.removeUser(params.id));
        await accounts.sessions.destroyForUser(u.id);
        await audit('user.deleted', u.username);
        return u;
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/tokens',
      tag: 'users',
      summary: 'API tokens for integrations (secrets are never shown again)',
      access: 'tokens.manage',
      response: { schema: TokenList },
      async handle() {
        return { items: accounts.store.listTokens() };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/tokens',
      tag: 'users',
      summary: 'Create an API token; the secret is in this response only',
      access: 'tokens.manage',
      body: CreateTokenRequest,
      response: { status: 201, schema: CreatedToken },
      async handle({ body, actor, audit }) {
        const { view, token } = await accounts.store.createToken({ ...body, createdBy: actor!.name });
        await audit('token.created', view.id, { name: view.name, role: view.role });
        return { token, info: view };
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/tokens/:id',
      tag: 'users',
      summary: 'Revoke an API token',
      access: 'tokens.manage',
      params: IdParams,
      response: { schema: TokenView },
      async handle({ params, audit }) {
        const t = accountResult(await accounts.store.revokeToken(params.id));
        await audit('token.revoked', t.id, { name: t.name });
        return t;
      },
    }),
  ];
}

export function mqttAccountRoutes(deps: HttpDeps): AnyRoute[] {
  const mqtt = () => need(deps.mqttAccounts, 'MQTT accounts');
  return [
    route({
      method: 'get',
      path: '/api/v1/mqtt/accounts',
      tag: 'mqtt',
      summary: 'Accounts allowed to connect to the local MQTT broker',
      access: 'mqtt.manage',
      response: { schema: MqttAccountList },
      async handle() {
        return { items: await mqtt().list() };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/mqtt/accounts',
      tag: 'mqtt',
      summary: 'Add an MQTT account',
      access: 'mqtt.manage',
      body: MqttAccountCreate,
      response: { status: 201, schema: MqttAccountView },
      async handle({ body, audit }) {
        const a = unwrap(await mqtt().create(body));
        await audit('mqtt-account.created', a.username, { role: a.role, canWrite: a.canWrite });
        return a;
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/mqtt/accounts/:username',
      tag: 'mqtt',
      summary: 'Remove an MQTT account',
      access: 'mqtt.manage',
      params: MqttUsernameParams,
      response: { schema: z.object({ username: z.string() }) },
      async handle({ params, audit }) {
        const r = unwrap(await mqtt().remove(params.username));
        await audit('mqtt-account.deleted', params.username);
        return r;
      },
    }),
  ];
}
