import { useStore } from 'zustand';
import { useController } from '../app/context';
import type { FleetState } from './controller';

export const useFleet = <T>(sel: (s: FleetState) => T): T => useStore(useController().fleet.store, sel);
