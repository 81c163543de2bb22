import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { HELP_TOPICS, LIMITS, type HelpTopic } from '@vigie/common';
import { useStore } from '../store.js';
import { ErrorText } from './ErrorText.js';

/** After the click: optional topic and a short description. */
export function Details({ topic, description }: { topic: HelpTopic | null; description: string | null }) {
  const { t } = useTranslation();
  const update = useStore((s) => s.updateRequest);
  const busy = useStore((s) => !!s.busy.updateRequest);
  const [text, setText] = useState(description ?? '');
  const [saved, setSaved] = useState(false);
  useEffect(() => setText(description ?? ''), [description]);

  const chooseTopic = async (next: HelpTopic) => {
    setSaved(false);
    if (await update({ topic: next === topic ? null : next })) setSaved(true);
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    if (await update({ description: text.trim() || null })) setSaved(true);
  };

  return (
    <section className="card details" aria-labelledby="details-title">
      <h2 id="details-title">{t('details.title')}</h2>
      <p className="hint">{t('details.optional')}</p>
      <fieldset>
        <legend>{t('details.topic')}</legend>
        <div className="topics">
          {HELP_TOPICS.map((id) => (
            <button
              key={id}
              type="button"
              className={id === topic ? 'topic selected' : 'topic'}
              aria-pressed={id === topic}
              disabled={busy}
              onClick={() => void chooseTopic(id)}
            >
              {t(`topics.${id}`)}
            </button>
          ))}
        </div>
      </fieldset>
      <form onSubmit={(e) => void save(e)}>
        <label htmlFor="details-description">{t('details.description')}</label>
        <textarea
          id="details-description"
          rows={3}
          maxLength={LIMITS.description}
          value={text}
          placeholder={t('details.descriptionPlaceholder')}
          onChange={(e) => {
            setText(e.target.value);
            setSaved(false);
          }}
        />
        <div className="row">
          <button type="submit" className="secondary" disabled={busy || text.trim() === (description ?? '')}>
            {t('details.save')}
          </button>
          <span className="saved" role="status">
            {saved ? t('details.saved') : ''}
          </span>
        </div>
      </form>
      <ErrorText action="updateRequest" />
    </section>
  );
}
