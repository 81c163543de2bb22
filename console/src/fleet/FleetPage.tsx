import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HEALTH_STRINGS, type Locale } from '@vigie/common';
import { navigate, useController, useUi } from '../app/context';
import { DeviceStatus } from '../components/DeviceStatus';
import { ChoiceField, Field } from '../components/Field';
import { routeHref } from '../lib/router';
import { formatDateTime } from '../lib/time';
import { relativeAge } from './format';
import { useFleet } from './hooks';
import {
  NO_FILTER,
  RISK_FIRST,
  filterDevices,
  lastReportAt,
  nextSort,
  practicesOf,
  sortDevices,
  worstLabel,
  type FleetDevice,
  type FleetFilter,
  type Sort,
  type SortKey,
} from './model';
import './fleet.css';

const COLUMNS: Array<Exclude<SortKey, 'risk'>> = ['practice', 'device', 'score', 'worst', 'lastReport', 'online', 'appVersion', 'backup'];

function SortHeader({ column, sort, onSort }: { column: Exclude<SortKey, 'risk'>; sort: Sort; onSort: (k: SortKey) => void }) {
  const { t } = useTranslation();
  const active = sort.key === column;
  return (
    <th scope="col" aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="fleet-sort" onClick={() => onSort(column)} title={t('fleet.sortHint')}>
        {t(`fleet.columns.${column}`)}
        <span className="fleet-sort__arrow" aria-hidden="true">
          {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}

function Row({ d, locale, now }: { d: FleetDevice; locale: Locale; now: number }) {
  const { t } = useTranslation();
  const h = d.health;
  const last = lastReportAt(d);
  // The whole row opens the device's page; its name is the link keyboards and screen readers use.
  const open = (e: { target: EventTarget }) => {
    if (e.target instanceof Element && e.target.closest('a, button, input, select')) return;
    navigate({ name: 'device', id: d.id });
  };
  return (
    <tr
      data-device-id={d.id}
      data-score={h?.score ?? ''}
      data-worst={h?.worst ?? ''}
      data-online={d.online}
      className="fleet-row"
      onClick={open}
    >
      <td>{d.practiceName}</td>
      <th scope="row" className="fleet-device" title={`${t(`os.${d.os}`)} ${d.osVersion}`}>
        <a href={routeHref({ name: 'device', id: d.id })} aria-label={t('devicePage.open', { device: d.name })}>
          {d.name}
        </a>
      </th>
      <td>
        {h ? (
          <span className={`status-pill status-pill--${h.worst} fleet-score`} data-testid="fleet-score">
            {t('fleet.scoreOf', { score: h.score })}
          </span>
        ) : (
          <span className="muted">{t('fleet.noReport')}</span>
        )}
      </td>
      <td>
        {!h ? null : h.worstCheck ? (
          <>
            <span className={`fleet-worst fleet-worst--${h.worstCheck.status}`}>{HEALTH_STRINGS[locale].status[h.worstCheck.status]}</span>{' '}
            {worstLabel(d, locale)}
          </>
        ) : (
          <span className="muted">{t('fleet.nothingToFix')}</span>
        )}
      </td>
      <td>
        {last ? (
          <time dateTime={last} title={formatDateTime(last, locale)}>
            {relativeAge(last, now, locale)}
          </time>
        ) : (
          <span className="muted">{t('fleet.never')}</span>
        )}
      </td>
      <td>
        <DeviceStatus online={d.online} />
      </td>
      <td>{d.appVersion}</td>
      <td>
        {d.backup ? (
          <span className={`fleet-backup fleet-backup--${d.backup.headline}`}>{t(`fleet.backup.${d.backup.headline}`)}</span>
        ) : (
          <span className="muted">{t('fleet.backup.none')}</span>
        )}
      </td>
    </tr>
  );
}

/** "Parc": every device of every practice, most exposed first, live. */
export function FleetPage() {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const devices = useFleet((s) => s.devices);
  const status = useFleet((s) => s.status);
  const error = useFleet((s) => s.error);
  const now = useUi((s) => s.now);
  const [sort, setSort] = useState<Sort>(RISK_FIRST);
  const [filter, setFilter] = useState<FleetFilter>(NO_FILTER);
  const locale: Locale = i18n.language === 'en' ? 'en' : 'fr';
  const searchId = useId();
  const practiceId = useId();

  useEffect(() => {
    void controller.fleet.load();
  }, [controller]);

  const practices = useMemo(() => practicesOf(devices), [devices]);
  const shown = useMemo(() => sortDevices(filterDevices(devices, filter, locale), sort, locale), [devices, filter, sort, locale]);
  const onSort = (k: SortKey) => setSort((s) => nextSort(s, k));
  const sortName =
    sort.key === 'risk'
      ? t('fleet.riskFirst')
      : `${t(`fleet.columns.${sort.key}`)} (${sort.dir === 'asc' ? t('fleet.sortAsc') : t('fleet.sortDesc')})`;

  return (
    <section className="page fleet" aria-labelledby="fleet-title">
      <div className="page__head">
        <h1 id="fleet-title">{t('fleet.title')}</h1>
        <p className="page__meta" data-testid="fleet-count">
          {filter === NO_FILTER || shown.length === devices.length
            ? t('fleet.count', { count: devices.length })
            : t('fleet.shown', { shown: shown.length, total: devices.length })}
        </p>
        <button type="button" className="btn btn--ghost" onClick={() => void controller.fleet.load()}>
          {t('fleet.refresh')}
        </button>
      </div>
      <p className="muted">{t('fleet.intro')}</p>

      <form className="fleet-filters" role="search" aria-label={t('fleet.filters')} onSubmit={(e) => e.preventDefault()}>
        <ChoiceField
          id={practiceId}
          label={t('fleet.practice')}
          all={t('fleet.allPractices')}
          options={practices.map((p) => ({ value: p.id, label: p.name }))}
          value={filter.practiceId}
          onChange={(e) => setFilter((f) => ({ ...f, practiceId: e.target.value }))}
        />
        <Field id={searchId} label={t('fleet.search')} className="fleet-filters__search">
          <input
            id={searchId}
            type="search"
            value={filter.text}
            placeholder={t('fleet.searchPlaceholder')}
            onChange={(e) => setFilter((f) => ({ ...f, text: e.target.value }))}
          />
        </Field>
        <label className="fleet-filters__check">
          <input
            type="checkbox"
            checked={filter.offlineOnly}
            onChange={(e) => setFilter((f) => ({ ...f, offlineOnly: e.target.checked }))}
          />{' '}
          {t('fleet.offlineOnly')}
        </label>
        <button type="button" className="btn btn--ghost" aria-pressed={sort.key === 'risk'} onClick={() => setSort(RISK_FIRST)}>
          {t('fleet.riskFirst')}
        </button>
      </form>

      {error ? (
        <p className="notice notice--error" role="alert" data-testid="fleet-error">
          {status === 'ready' ? t('fleet.refreshFailed', { reason: controller.errorText(error) }) : controller.errorText(error)}
        </p>
      ) : null}
      {status === 'idle' || status === 'loading' ? (
        <p className="muted" role="status">
          {t('fleet.loading')}
        </p>
      ) : status === 'ready' && devices.length === 0 ? (
        <p className="empty-state">{t('fleet.empty')}</p>
      ) : status === 'ready' ? (
        <div className="fleet-table-wrap">
          <table className="fleet-table">
            <caption className="visually-hidden">
              {t('fleet.title')} — {t('fleet.sortedBy', { column: sortName })}
            </caption>
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <SortHeader key={c} column={c} sort={sort} onSort={onSort} />
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((d) => (
                <Row key={d.id} d={d} locale={locale} now={now} />
              ))}
            </tbody>
          </table>
          {shown.length === 0 ? <p className="empty-state">{t('fleet.noMatch')}</p> : null}
          <p className="visually-hidden" role="status">
            {t('fleet.sortedBy', { column: sortName })}
          </p>
        </div>
      ) : null}
    </section>
  );
}
