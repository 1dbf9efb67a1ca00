import { join } from 'node:path';
import { z } from 'zod';
import { dataDir } from '../util/paths.js';
import { err, ok, type Result } from '../util/result.js';
import { openDocument, type JsonDocument } from '../store/json-document.js';
import type { DeepReadonly } from '../store/freeze.js';
import { decoyHash, hashPassword, verifyPassword } from '../util/passwords.js';
import { isValidTopicFilter } from './topic-filter.js';

/** Appliance MQTT accounts: who may connect to the broker, with which role and write grants. */
export const MqttRole = z.enum(['admin', 'integration']);
export type MqttRole = z.infer<typeof MqttRole>;

export const MqttUsername = z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'username: 1-64 letters, digits, _ . @ -');
export const MqttPassword = z.string().min(8, 'password: at least 8 characters').max(256);
/** Absolute MQTT topic filters the account may publish to (e.g. `cva/bridge/request/health_check`). */
export const WriteGrants = z.array(z.string().refine(isValidTopicFilter, 'not a valid MQTT topic filter')).max(64);

export const MqttAccountCreate = z.object({
  username: MqttUsername,
  password: MqttPassword,
  role: MqttRole,
  canWrite: WriteGrants.default([]),
});
export type MqttAccountCreate = z.input<typeof MqttAccountCreate>;

export const MqttAccountPatch = z
  .object({ password: MqttPassword, role: MqttRole, canWrite: WriteGrants })
  .partial()
  .strict();
export type MqttAccountPatch = z.input<typeof MqttAccountPatch>;

/** What authentication yields, and what the ACL decides on. */
export interface MqttPrincipal {
  username: string;
  role: MqttRole;
  canWrite: string[];
}

/** The broker only needs this; the HTTP layer's user store may implement it too. */
export interface MqttAccountStore {
  verify(username: string, password: string): Promise<MqttPrincipal | null>;
}

/** An account as listed to admins: never the hash. */
export interface MqttAccountSummary extends MqttPrincipal {
  createdAt: string;
  updatedAt: string;
}

export type MqttAccountError =
  | { code: 'invalid'; message: string; issues?: unknown }
  | { code: 'exists'; message: string }
  | { code: 'not-found'; message: string };

const StoredAccount = z.object({
  username: MqttUsername,
  role: MqttRole,
  canWrite: WriteGrants,
  passwordHash: z.string().startsWith('scrypt$'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
type StoredAccount = z.infer<typeof StoredAccount>;

/** The persisted document (for `ApplianceStore.document('mqtt-accounts', MqttAccountsDocument, emptyMqttAccounts)`). */
export const MqttAccountsDocument = z.object({ version: z.literal(1), accounts: z.array(StoredAccount) });
export type MqttAccountsDocument = z.infer<typeof MqttAccountsDocument>;
export const emptyMqttAccounts: MqttAccountsDocument = { version: 1, accounts: [] };

type Stored = DeepReadonly<StoredAccount>;

const summary = ({ passwordHash: _hash, ...rest }: Stored): MqttAccountSummary => ({ ...rest, canWrite: [...rest.canWrite] });

const invalid = (e: z.ZodError): MqttAccountError => ({ code: 'invalid', message: z.prettifyError(e), issues: e.issues });

export function defaultAccountsFile(): string {
  return join(dataDir(), 'mqtt-accounts.json');
}

/** Accounts persisted in one store document (atomic, validated writes; scrypt hashes, per-account salt). */
export class JsonMqttAccountStore implements MqttAccountStore {
  /** Over a document the caller opened (e.g. from the ApplianceStore). */
  constructor(private readonly doc: JsonDocument<MqttAccountsDocument>) {}

  static async open(file: string = defaultAccountsFile()): Promise<JsonMqttAccountStore> {
    return new JsonMqttAccountStore(await openDocument(file, MqttAccountsDocument, emptyMqttAccounts));
  }

  list(): MqttAccountSummary[] {
    return this.doc.data.accounts.map(summary);
  }

  get(username: string): MqttAccountSummary | null {
    const a = this.find(username);
    return a ? summary(a) : null;
  }

  async create(input: unknown): Promise<Result<MqttAccountSummary, MqttAccountError>> {
    const parsed = MqttAccountCreate.safeParse(input);
    if (!parsed.success) return err(invalid(parsed.error));
    const { username, password, role, canWrite } = parsed.data;
    if (this.find(username)) return err({ code: 'exists', message: `MQTT account '${username}' already exists` });
    const now = new Date().toISOString();
    const account: StoredAccount = { username, role, canWrite, passwordHash: await hashPassword(password), createdAt: now, updatedAt: now };
    // Re-check inside the serialised update: a concurrent create may have won meanwhile.
    let clash = false;
    await this.doc.update((d) => {
      if (d.accounts.some((a) => a.username === username)) clash = true;
      else d.accounts.push(account);
    });
    return clash ? err({ code: 'exists', message: `MQTT account '${username}' already exists` }) : ok(summary(account));
  }

  async update(username: string, patch: unknown): Promise<Result<MqttAccountSummary, MqttAccountError>> {
    const parsed = MqttAccountPatch.safeParse(patch);
    if (!parsed.success) return err(invalid(parsed.error));
    const { password, ...rest } = parsed.data;
    const passwordHash = password === undefined ? undefined : await hashPassword(password);
    let updated: Stored | undefined;
    await this.doc.update((d) => {
      const a = d.accounts.find((x) => x.username === username);
      if (!a) return;
      Object.assign(a, rest, passwordHash ? { passwordHash } : {}, { updatedAt: new Date().toISOString() });
      updated = a;
    });
    return updated ? ok(summary(updated)) : err({ code: 'not-found', message: `no MQTT account '${username}'` });
  }

  async remove(username: string): Promise<Result<void, MqttAccountError>> {
    if (!this.find(username)) return err({ code: 'not-found', message: `no MQTT account '${username}'` });
    await this.doc.update((d) => {
      d.accounts = d.accounts.filter((a) => a.username !== username);
    });
    return ok(undefined);
  }

  async verify(username: string, password: string): Promise<MqttPrincipal | null> {
    const account = this.find(username);
    // Unknown users cost the same scrypt as known ones, so timing does not reveal which names exist.
    const matches = await verifyPassword(password, account?.passwordHash ?? (await decoyHash()));
    if (!account || !matches) return null;
    return { username: account.username, role: account.role, canWrite: [...account.canWrite] };
  }

  private find(username: string): Stored | undefined {
    return this.doc.data.accounts.find((a) => a.username === username);
  }
}
