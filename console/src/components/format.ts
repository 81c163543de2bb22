import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { durationParts } from '../lib/time';

/** Spoken form of a duration for screen readers and tooltips ("2 min 05 s"). */
export function useDurationText(): (ms: number) => string {
  const { t } = useTranslation();
  return (ms) => {
    const { hours, minutes, seconds } = durationParts(ms);
    if (hours > 0) return t('time.hoursMinutes', { hours, minutes });
    if (minutes > 0) return t('time.minutesSeconds', { minutes, seconds: String(seconds).padStart(2, '0') });
    return t('time.seconds', { seconds });
  };
}

/** Names in the language's quotes (« a.pdf », « b.pdf » / “a.pdf”, “b.pdf”), never French quotes in English. */
export function quotedNames(t: TFunction, names: readonly string[]): string {
  return names.map((name) => t('punctuation.quoted', { name })).join(', ');
}
