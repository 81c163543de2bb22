import { createStore } from 'zustand/vanilla';
import type { AuditOptions, AuditQuery, AuditView, ErrorCode, InterventionExport, Result } from '@vigie/common';
import type { TechClient } from '../lib/socket';

/** The audit view's filters as the form holds them (dates as the form's YYYY-MM-DD, local days). */
export interface AuditFilters {
  practiceId: string;
  technicianId: string;
  act: string;
  from: string;
  to: string;
}

export const NO_AUDIT_FILTERS: AuditFilters = { practiceId: '', technicianId: '', act: '', from: '', to: '' };

export interface AuditState {
  options: AuditOptions | null;
  /** The filters of the entries shown. */
  filters: AuditFilters;
  entries: AuditView[];
  /** Where older entries start (null: none left). */
  next: number | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: ErrorCode | null;
  /** The request being exported. */
  exporting: string | null;
}

const initial = (): AuditState => ({
  options: null,
  filters: NO_AUDIT_FILTERS,
  entries: [],
  next: null,
  status: 'idle',
  error: null,
  exporting: null,
});

/** A local day (YYYY-MM-DD) as the ISO instant of its first or last millisecond. */
export function dayBound(day: string, end: boolean): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const d = end
    ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59, 999)
    : new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The hub query of the form's filters. */
export function auditQuery(f: AuditFilters, beforeSeq?: number): AuditQuery {
  const from = dayBound(f.from, false);
  const to = dayBound(f.to, true);
  return {
    ...(f.practiceId ? { practiceId: f.practiceId } : {}),
    ...(f.technicianId ? { technicianId: f.technicianId } : {}),
    ...(f.act ? { act: f.act as NonNullable<AuditQuery['act']> } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(beforeSeq ? { beforeSeq } : {}),
    limit: 50,
  };
}

/**
 * The audit view (supervisors and admins): the practices and technicians to filter on, a page of
 * entries for the filters, older pages on demand, and one intervention's export. The hub checks
 * the role and writes every look in the log.
 */
export class AuditController {
  readonly store = createStore<AuditState>()(initial);
  private seq = 0;

  constructor(private readonly client: TechClient) {}

  reset(): void {
    this.seq++;
    this.store.setState(initial());
  }

  async loadOptions(): Promise<void> {
    const r = await this.client.request('audit:options', {});
    if (r.ok) this.store.setState({ options: r.data });
    else this.store.setState({ error: r.error.code });
  }

  /** The newest entries for `filters`. */
  async search(filters: AuditFilters): Promise<void> {
    const mine = ++this.seq;
    this.store.setState({ filters, status: 'loading', error: null });
    const r = await this.client.request('audit:list', auditQuery(filters));
    if (mine !== this.seq) return;
    if (r.ok) this.store.setState({ entries: r.data.entries, next: r.data.next, status: 'ready' });
    else this.store.setState({ entries: [], next: null, status: 'error', error: r.error.code });
  }

  /** « Voir les entrées plus anciennes ». */
  async more(): Promise<void> {
    const { next, filters, status } = this.store.getState();
    if (!next || status === 'loading') return;
    const mine = ++this.seq;
    this.store.setState({ status: 'loading', error: null });
    const r = await this.client.request('audit:list', auditQuery(filters, next));
    if (mine !== this.seq) return;
    if (r.ok) this.store.setState((s) => ({ entries: [...s.entries, ...r.data.entries], next: r.data.next, status: 'ready' }));
    else this.store.setState({ status: 'ready', error: r.error.code });
  }

  /** One intervention, as the hub exports it (the page saves it as a file). */
  async export(requestId: string): Promise<Result<InterventionExport>> {
    this.store.setState({ exporting: requestId, error: null });
    const r = await this.client.request('audit:export', { requestId });
    this.store.setState({ exporting: null, ...(r.ok ? {} : { error: r.error.code }) });
    return r;
  }
}
