import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS, systemMessageText, type Locale, type LocalChatMessage } from '@vigie/common';
import { useStore } from '../store.js';
import { ErrorText } from './ErrorText.js';

const STATUS_ICON: Record<LocalChatMessage['status'], string> = { pending: '◷', sent: '✓', delivered: '✓✓', read: '✓✓' };
const TYPING_IDLE_MS = 3000;

function Message({ m, locale }: { m: LocalChatMessage; locale: Locale }) {
  const { t } = useTranslation();
  const author = m.author === 'device' ? t('chat.you') : m.author === 'system' ? t('chat.system') : m.authorName;
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(new Date(m.sentAt));
  return (
    <li className={`message from-${m.author}`} data-status={m.author === 'device' ? m.status : undefined}>
      <span className="author">{author}</span>
      <p className="text">{m.author === 'system' ? systemMessageText(locale, m) : m.text}</p>
      <span className="meta">
        <time dateTime={m.sentAt}>{time}</time>
        {m.author === 'device' ? (
          <span className={`status status-${m.status}`} aria-label={t('chat.statusLabel', { status: t(`chat.status.${m.status}`) })}>
            <span aria-hidden="true">{STATUS_ICON[m.status]}</span> <span className="status-text">{t(`chat.status.${m.status}`)}</span>
          </span>
        ) : null}
      </span>
    </li>
  );
}

/** Chat with per-message status in words, the technician's typing indicator and an always-usable composer (outbox). */
export function Chat({ messages, typingName, locale }: { messages: LocalChatMessage[]; typingName: string | null; locale: Locale }) {
  const { t } = useTranslation();
  const send = useStore((s) => s.sendChat);
  const markRead = useStore((s) => s.markRead);
  const setTyping = useStore((s) => s.setTyping);
  const [text, setText] = useState('');
  const listRef = useRef<HTMLOListElement>(null);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const typingSent = useRef(false);

  const unread = messages.some((m) => m.author !== 'device' && m.status !== 'read');

  // Newest message in view.
  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);

  // Read receipts: only when the page is actually in front of the user.
  useEffect(() => {
    if (!unread) return;
    const check = () => {
      if (document.visibilityState === 'visible' && document.hasFocus()) markRead();
    };
    check();
    window.addEventListener('focus', check);
    document.addEventListener('visibilitychange', check);
    return () => {
      window.removeEventListener('focus', check);
      document.removeEventListener('visibilitychange', check);
    };
  }, [unread, messages.length, markRead]);

  const stopTyping = () => {
    if (typingTimer.current) clearTimeout(typingTimer.current);
    typingTimer.current = null;
    if (typingSent.current) {
      typingSent.current = false;
      setTyping(false);
    }
  };
  // Leaving the chat ends the typing indicator.
  useEffect(
    () => () => {
      if (typingTimer.current) clearTimeout(typingTimer.current);
      if (typingSent.current) setTyping(false);
    },
    [setTyping],
  );

  const onChange = (value: string) => {
    setText(value);
    if (!value.trim()) return stopTyping();
    if (!typingSent.current) {
      typingSent.current = true;
      setTyping(true);
    }
    if (typingTimer.current) clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    const body = text.trim();
    if (!body) return;
    stopTyping();
    if (await send(body)) setText('');
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <section className="card chat" aria-labelledby="chat-title">
      <h2 id="chat-title">{t('chat.title')}</h2>
      {messages.length === 0 ? <p className="hint">{t('chat.empty')}</p> : null}
      <ol
        className="messages"
        ref={listRef}
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-labelledby="chat-title"
        tabIndex={0}
      >
        {messages.map((m) => (
          <Message key={m.id} m={m} locale={locale} />
        ))}
      </ol>
      <p className="typing" aria-live="polite">
        {typingName ? t('chat.typing', { name: typingName }) : ''}
      </p>
      <form className="composer" onSubmit={(e) => void submit(e)}>
        <label htmlFor="chat-input" className="visually-hidden">
          {t('chat.input')}
        </label>
        <textarea
          id="chat-input"
          rows={2}
          maxLength={LIMITS.chatText}
          value={text}
          placeholder={t('chat.placeholder')}
          aria-describedby="chat-hint"
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="primary" disabled={!text.trim()}>
          {t('chat.send')}
        </button>
      </form>
      <p id="chat-hint" className="hint">
        {t('chat.hint')}
      </p>
      <ErrorText action="sendChat" />
    </section>
  );
}
