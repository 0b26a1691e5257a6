// Who is logged in, and the region and year the pages work on. A worker's region is their scope
// (the API enforces it anyway); an administrator picks a county from the policy packs.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { Role } from '../../src/auth/roles.js';
import { get, post, setUnauthenticatedHandler } from './api';

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  roleName: string;
  scopeCode: string | null;
  department: string | null;
  mustChangePassword: boolean;
}

export interface PackInfo {
  id: string;
  region: string;
  regionName: string;
  year: number;
}

interface Session {
  user: SessionUser | null;
  /** True until the first /api/auth/me answer. */
  loading: boolean;
  setUser: (u: SessionUser | null) => void;
  logout: () => Promise<void>;
  refresh: () => Promise<void>;
  packs: PackInfo[];
  region: string;
  setRegion: (r: string) => void;
  year: number;
  setYear: (y: number) => void;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('SessionProvider missing');
  return s;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null>(null);
  const [loading, setLoading] = useState(true);
  const [packs, setPacks] = useState<PackInfo[]>([]);
  const [region, setRegion] = useState('');
  const [year, setYear] = useState(new Date().getFullYear());

  const refresh = useCallback(async () => {
    try {
      setUser(await get<SessionUser>('/api/auth/me'));
    } catch {
      setUser(null);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => setUser(null));
    void refresh();
  }, [refresh]);

  // Packs say which counties and years this installation covers; the latest year is the campaign's.
  useEffect(() => {
    if (!user || user.mustChangePassword) return;
    get<PackInfo[]>('/api/policy/packs')
      .then((all) => {
        const local = all.filter((p) => /^\d{6}$/.test(p.region));
        setPacks(local);
        const years = local.map((p) => p.year);
        if (years.length > 0) setYear(Math.max(...years));
        // Bureau-wide users start on all regions and may narrow to one county.
        setRegion(user.scopeCode ?? '');
      })
      .catch(() => setPacks([]));
  }, [user]);

  const logout = useCallback(async () => {
    await post('/api/auth/logout').catch(() => undefined);
    setUser(null);
  }, []);

  const value = useMemo(
    () => ({ user, loading, setUser, logout, refresh, packs, region, setRegion, year, setYear }),
    [user, loading, logout, refresh, packs, region, year],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
