import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '@vigie/common';
import { useBackup } from './store.js';
import { BrowseStep } from './wizard/BrowseStep.js';
import { DateStep } from './wizard/DateStep.js';
import { ModeStep } from './wizard/ModeStep.js';
import { ProgressStep } from './wizard/ProgressStep.js';
import { FIRST_STEP, stepNumber, wizardStep, type Step, type StepEvent } from './wizard/steps.js';

/**
 * "Récupérer un fichier": pick a date → browse or search → where to put it → progress → open the
 * folder. The steps and how one leads to the next are in wizard/steps.ts; each step has its module
 * under wizard/.
 */
export function RestoreWizard({ locale, onClose }: { locale: Locale; onClose: () => void }) {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>(FIRST_STEP);
  const go = (event: StepEvent) => setStep((s) => wizardStep(s, event));
  const loadPlaces = useBackup((s) => s.loadPlaces);
  useEffect(() => loadPlaces(), [loadPlaces]);

  return (
    <section className="panel backup-wizard" aria-labelledby="wizard-title" data-step={step.kind}>
      <div className="backup-wizard__head">
        <h1 id="wizard-title">{t('backup.ui.wizard.title')}</h1>
        {step.kind !== 'progress' ? (
          <button type="button" className="secondary" onClick={onClose}>
            {t('backup.ui.wizard.close')}
          </button>
        ) : null}
      </div>
      {step.kind !== 'progress' ? <p className="hint">{t('backup.ui.wizard.steps', { n: stepNumber(step) })}</p> : null}
      {step.kind === 'date' ? (
        <DateStep
          locale={locale}
          onSnapshot={(snapshot) => go({ type: 'snapshot', snapshot })}
          onChoice={(choice) => go({ type: 'choice', choice })}
        />
      ) : step.kind === 'browse' ? (
        <BrowseStep
          locale={locale}
          snapshot={step.snapshot}
          path={step.path}
          onPath={(path) => go({ type: 'path', path })}
          onBack={() => go({ type: 'back' })}
          onChoice={(paths) => go({ type: 'pick', paths })}
        />
      ) : step.kind === 'mode' ? (
        <ModeStep
          locale={locale}
          choice={step.choice}
          onBack={() => go({ type: 'back' })}
          onStarted={(jobId) => go({ type: 'started', jobId })}
        />
      ) : (
        <ProgressStep jobId={step.jobId} onRetry={() => go({ type: 'retry' })} onClose={onClose} />
      )}
    </section>
  );
}
