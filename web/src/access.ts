// What the logged-in role may call, read from the server's own access table (src/auth/roles.ts).
import { allowedRoles, type Role } from '../../src/auth/roles.js';

export function canUse(role: Role, method: 'GET' | 'POST', route: string): boolean {
  return allowedRoles(method, route).includes(role);
}
