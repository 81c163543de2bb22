import type { TechnicianRole } from '@vigie/common';

export type DeviceActor = { kind: 'device'; id: string; name: string; practiceId: string; practiceName: string };
export type TechActor = { kind: 'technician'; id: string; name: string; role: TechnicianRole };
export type Actor = DeviceActor | TechActor;

export const isPrivileged = (a: TechActor): boolean => a.role === 'supervisor' || a.role === 'admin';
