import { z } from 'zod';

/**
 * The one permission matrix. Routes name a permission; roles grant sets of them. Adding a route
 * means choosing its permission here, never checking role names elsewhere.
 */
export const Role = z.enum(['admin', 'manager', 'viewer']);
export type Role = z.infer<typeof Role>;

export const Permission = z.enum([
  'settings.read',
  'settings.write',
  'cameras.read',
  'cameras.write',
  'people.read',
  'staff.write',
  'customers.write',
  'visits.read',
  'visits.export',
  'review.act',
  'reports.read',
  'faces.view',
  'live.view',
  'users.manage',
  'tokens.manage',
  'mqtt.manage',
  'audit.read',
  'system.read',
  'system.restart',
  'system.backup',
  'metrics.read',
]);
export type Permission = z.infer<typeof Permission>;

const viewer: Permission[] = ['cameras.read', 'visits.read', 'reports.read', 'live.view', 'faces.view', 'system.read'];
const manager: Permission[] = [
  ...viewer,
  'settings.read',
  'people.read',
  'staff.write',
  'customers.write',
  'visits.export',
  'review.act',
];

export const rolePermissions: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  admin: new Set(Permission.options),
  manager: new Set(manager),
  viewer: new Set(viewer),
};

export function can(role: Role, permission: Permission): boolean {
  return rolePermissions[role].has(permission);
}
