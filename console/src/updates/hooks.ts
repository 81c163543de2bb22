import { useStore } from 'zustand';
import { useController } from '../app/context';
import type { UpdatesState } from './controller';

/** A slice of the updates page's store (the console controller's `updates`). */
export const useUpdates = <T>(sel: (s: UpdatesState) => T): T => useStore(useController().updates.store, sel);
