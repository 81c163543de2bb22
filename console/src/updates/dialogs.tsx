import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelState } from '@vigie/common';
import { raiseChoices } from './controller';

/*
 * The confirmations of the updates page: « Élargir » (choose the next share of devices) and
 * « Suspendre », each a native modal dialog.
 */

/** A modal confirmation (native <dialog>: focus kept inside, Escape cancels). */
function ConfirmDialog({
  title,
  children,
  onCancel,
  testId,
}: {
  title: string;
  children: ReactNode;
  onCancel: () => void;
  testId: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="updates__dialog"
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}

export function RaiseDialog({
  state,
  onCancel,
  onConfirm,
}: {
  state: ChannelState;
  onCancel: () => void;
  onConfirm: (percent: number) => Promise<void>;
}) {
  const { t } = useTranslation();
  const choices = raiseChoices(state.stagingPercentage);
  const [percent, setPercent] = useState(choices[0] ?? 100);
  const [working, setWorking] = useState(false);
  const names = {
    version: state.version,
    channel: t(`updates.channel.${state.channel}`),
    platform: t(`updates.platform.${state.platform}`),
  };
  const current = state.halted ? t('updates.channels.halted') : t('updates.channels.percent', { percent: state.stagingPercentage });
  return (
    <ConfirmDialog title={t('updates.raiseDialog.title')} onCancel={onCancel} testId="raise-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setWorking(true);
          void onConfirm(percent);
        }}
      >
        <p>{t('updates.raiseDialog.text', { ...names, current })}</p>
        <fieldset className="updates__choices">
          <legend>{t('updates.raiseDialog.choose')}</legend>
          {choices.map((p) => (
            <label key={p} className="updates__choice">
              <input type="radio" name="percent" value={p} checked={percent === p} onChange={() => setPercent(p)} />
              {p === 100 ? t('updates.raiseDialog.optionAll') : t('updates.raiseDialog.option', { percent: p })}
            </label>
          ))}
        </fieldset>
        <div className="updates__dialog-actions">
          <button type="button" className="btn btn--ghost" onClick={onCancel} disabled={working}>
            {t('updates.cancel')}
          </button>
          <button type="submit" className="btn btn--primary" disabled={working}>
            {working ? t('updates.working') : t('updates.raiseDialog.confirm', { percent })}
          </button>
        </div>
      </form>
    </ConfirmDialog>
  );
}

export function HaltDialog({ state, onCancel, onConfirm }: { state: ChannelState; onCancel: () => void; onConfirm: () => Promise<void> }) {
  const { t } = useTranslation();
  const [working, setWorking] = useState(false);
  const names = {
    version: state.version,
    channel: t(`updates.channel.${state.channel}`),
    platform: t(`updates.platform.${state.platform}`),
  };
  return (
    <ConfirmDialog title={t('updates.haltDialog.title')} onCancel={onCancel} testId="halt-dialog">
      <p>{t('updates.haltDialog.text', names)}</p>
      <div className="updates__dialog-actions">
        <button type="button" className="btn btn--ghost" onClick={onCancel} disabled={working} autoFocus>
          {t('updates.cancel')}
        </button>
        <button
          type="button"
          className="btn updates__danger"
          disabled={working}
          onClick={() => {
            setWorking(true);
            void onConfirm();
          }}
        >
          {working ? t('updates.working') : t('updates.haltDialog.confirm')}
        </button>
      </div>
    </ConfirmDialog>
  );
}
