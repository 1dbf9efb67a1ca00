import type { Role } from '../contracts/roles.js';

/** Who is making a request: a signed-in user (cookie session) or an integration (bearer API token). */
export interface Actor {
  kind: 'user' | 'token';
  id: string;
  /** Username, or the token's name. */
  name: string;
  role: Role;
}
