/**
 * Who is signed in and what they may do. The shell provides it; controls ask `useCan()` so that what a
 * role may not do is never offered. Permission names are the server's (e.g. `cameras.write`).
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export interface SessionInfo {
  name: string;
  role: string;
  permissions: readonly string[];
}

export const SessionContext = createContext<SessionInfo | null>(null);

export function useSession(): SessionInfo | null {
  return useContext(SessionContext);
}

/** `can('cameras.write')`: false when signed out or the role lacks it. */
export function useCan(): (permission: string) => boolean {
  const s = useContext(SessionContext);
  return (p) => !!s && s.permissions.includes(p);
}
