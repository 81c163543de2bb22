import { useStore } from 'zustand';
import { useController } from '../app/context';
import type { ScreenViewState } from './controller';

export const useScreenView = <T>(sel: (s: ScreenViewState) => T): T => useStore(useController().screen.store, sel);
