import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Role } from '../contracts/roles.js';
import type { Actor } from './actor.js';
import type { JsonDocument } from '../store/json-document.js';
import type { AccountsPersistence } from './persistence.js';
import { decoyHash, hashPassword, randomSecret, sha256, safeEqual, verifyPassword } from '../util/passwords.js';
import { systemClock, type Clock } from '../util/clock.js';
import { err, ok, type Result } from '../util/result.js';

const StoredUser = z.object({
  id: z.string(),
  username: z.string(),
  role: Role,
  passwordHash: z.string(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
  disabled: z.boolean(),
});
type StoredUser = z.infer<typeof StoredUser>;

const StoredToken = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  /** SHA-256 of the secret: tokens are random 256-bit values, so a fast hash is safe at rest. */
  hash: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  lastUsedAt: z.string().nullable(),
});
type StoredToken = z.infer<typeof StoredToken>;

const AccountsFile = z.object({ users: z.array(StoredUser), tokens: z.array(StoredToken) });
type AccountsFile = z.infer<typeof AccountsFile>;

export interface UserView {
  id: string;
  username: string;
  role: Role;
  createdAt: string;
  lastLoginAt: string | null;
  disabled: boolean;
}
export interface TokenView {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
}

export type AccountError =
  | { code: 'conflict'; message: string }
  | { code: 'not_found'; message: string }
  | { code: 'last_admin'; message: string };

const toUserView = ({ passwordHash: _h, ...u }: StoredUser): UserView => u;
const toTokenView = ({ hash: _h, ...t }: StoredToken): TokenView => t;
export const TOKEN_PREFIX = 'cva_';

/** Users (scrypt passwords) and integration API tokens, persisted in the `accounts` document. */
export class AccountsStore {
  private constructor(
    private readonly doc: JsonDocument<AccountsFile>,
    private readonly clock: Clock,
  ) {}

  static async open(persistence: AccountsPersistence, clock: Clock = systemClock): Promise<AccountsStore> {
    const doc = await persistence.document('accounts', AccountsFile, { users: [], tokens: [] });
    return new AccountsStore(doc, clock);
  }

  private iso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  hasUsers(): boolean {
    return this.doc.data.users.length > 0;
  }

  listUsers(): UserView[] {
    return this.doc.data.users.map(toUserView);
  }

  getUser(id: string): UserView | null {
    const u = this.doc.data.users.find((x) => x.id === id);
    return u ? toUserView(u) : null;
  }

  /**
   * Runs a change inside the document's serialised update, so checks and writes are one step. The
   * change may refuse with an error (nothing is written); it may not take away the last active admin.
   */
  private async mutate(change: (d: AccountsFile) => AccountError | void): Promise<Result<void, AccountError>> {
    const activeAdmin = (d: AccountsFile) => d.users.some((u) => u.role === 'admin' && !u.disabled);
    try {
      await this.doc.update((d) => {
        const hadAdmin = activeAdmin(d);
        const refused = change(d);
        if (refused) throw new Refused(refused);
        if (hadAdmin && !activeAdmin(d))
          throw new Refused({ code: 'last_admin', message: 'the last active admin cannot be removed, demoted or disabled' });
      });
      return ok(undefined);
    } catch (e) {
      if (e instanceof Refused) return err(e.error);
      throw e;
    }
  }

  async createUser(input: { username: string; password: string; role: Role }): Promise<Result<UserView, AccountError>> {
    const name = input.username.toLowerCase();
    const exists = (d: { users: readonly { username: string }[] }) => d.users.some((u) => u.username === name);
    if (exists(this.doc.data)) return err({ code: 'conflict', message: `user ${name} exists` });
    const user: StoredUser = {
      id: randomUUID(),
      username: name,
      role: input.role,
      passwordHash: await hashPassword(input.password),
      createdAt: this.iso(),
      lastLoginAt: null,
      disabled: false,
    };
    // Checked again under the lock: two concurrent creates of one name must not both win.
    const r = await this.mutate((d) => (exists(d) ? { code: 'conflict', message: `user ${name} exists` } : void d.users.push(user)));
    return r.ok ? ok(toUserView(user)) : r;
  }

  async updateUser(
    id: string,
    patch: { role?: Role; password?: string; disabled?: boolean },
  ): Promise<Result<UserView, AccountError>> {
    if (!this.getUser(id)) return err({ code: 'not_found', message: `no user ${id}` });
    const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
    const r = await this.mutate((d) => {
      const u = d.users.find((x) => x.id === id);
      if (!u) return { code: 'not_found', message: `no user ${id}` };
      if (patch.role !== undefined) u.role = patch.role;
      if (patch.disabled !== undefined) u.disabled = patch.disabled;
      if (passwordHash) u.passwordHash = passwordHash;
    });
    return r.ok ? ok(this.getUser(id)!) : r;
  }

  async removeUser(id: string): Promise<Result<UserView, AccountError>> {
    const current = this.getUser(id);
    if (!current) return err({ code: 'not_found', message: `no user ${id}` });
    const r = await this.mutate((d) => {
      if (!d.users.some((u) => u.id === id)) return { code: 'not_found', message: `no user ${id}` };
      d.users = d.users.filter((u) => u.id !== id);
    });
    return r.ok ? ok(current) : r;
  }

  /** Checks a password; unknown users cost the same scrypt time as known ones. */
  async checkPassword(username: string, password: string): Promise<UserView | null> {
    const u = this.doc.data.users.find((x) => x.username === username.toLowerCase());
    const valid = await verifyPassword(password, u?.passwordHash ?? (await decoyHash()));
    if (!u || !valid || u.disabled) return null;
    await this.doc.update((d) => {
      const x = d.users.find((y) => y.id === u.id);
      if (x) x.lastLoginAt = this.iso();
    });
    return this.getUser(u.id);
  }

  listTokens(): TokenView[] {
    return this.doc.data.tokens.map(toTokenView);
  }

  /** Creates an API token; the secret is returned once and only its hash is kept. */
  async createToken(input: { name: string; role: Role; createdBy: string }): Promise<{ view: TokenView; token: string }> {
    const token = TOKEN_PREFIX + randomSecret(32);
    const stored: StoredToken = {
      id: randomUUID(),
      name: input.name,
      role: input.role,
      hash: sha256(token),
      createdAt: this.iso(),
      createdBy: input.createdBy,
      lastUsedAt: null,
    };
    await this.doc.update((d) => {
      d.tokens.push(stored);
    });
    return { view: toTokenView(stored), token };
  }

  async revokeToken(id: string): Promise<Result<TokenView, AccountError>> {
    const t = this.doc.data.tokens.find((x) => x.id === id);
    if (!t) return err({ code: 'not_found', message: `no token ${id}` });
    await this.doc.update((d) => {
      d.tokens = d.tokens.filter((x) => x.id !== id);
    });
    return ok(toTokenView(t));
  }

  /** Resolves a bearer token to its actor, or null. lastUsedAt is refreshed at most once a minute. */
  async verifyToken(token: string): Promise<Actor | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const hash = sha256(token);
    const t = this.doc.data.tokens.find((x) => safeEqual(x.hash, hash));
    if (!t) return null;
    const now = this.clock.now();
    // "Last used" is bookkeeping: a request is never refused because it could not be written (full disk).
    if (!t.lastUsedAt || now - Date.parse(t.lastUsedAt) > 60_000) {
      await this.doc
        .update((d) => {
          const x = d.tokens.find((y) => y.id === t.id);
          if (x) x.lastUsedAt = new Date(now).toISOString();
        })
        .catch(() => {});
    }
    return { kind: 'token', id: t.id, name: t.name, role: t.role };
  }
}

class Refused extends Error {
  constructor(readonly error: AccountError) {
    super(error.message);
  }
}
