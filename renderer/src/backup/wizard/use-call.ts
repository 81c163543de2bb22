import { useEffect, useState } from 'react';
import type { ErrorBody } from '@vigie/common';
import { answerOf } from '../../api.js';

/**
 * One call of the app's backup API as a step shows it: loading, then its data or its error. The
 * call runs again when `deps` change; an answer that comes after a change (or after the step is
 * gone) is dropped. `load` returning null (no API, nothing to ask yet) leaves the state as is.
 */
export function useCall<T>(load: () => Promise<{ ok: true; data: T } | { ok: false; error: ErrorBody }> | null, deps: unknown[]) {
  const [state, setState] = useState<{ data: T | null; error: ErrorBody | null; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  });
  useEffect(() => {
    let live = true;
    const p = load();
    if (!p) return;
    setState((s) => ({ ...s, loading: true, error: null }));
    void answerOf(() => p).then(
      (r) => live && setState(r.ok ? { data: r.data, error: null, loading: false } : { data: null, error: r.error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, deps);
  return state;
}
