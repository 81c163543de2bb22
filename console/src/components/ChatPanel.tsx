import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS, systemMessageText, type ChatMessage, type ChatReceipts } from '@vigie/common';
import { useController, useSession, useUi, useWorkspace } from '../app/context';
import { deliveryState, timeline, type DeliveryState, type OutboxItem } from '../lib/chat';
import { formatTimeOfDay } from '../lib/time';
import { DEFAULT_LOCALE, isLocale } from '../i18n';

const ICON: Record<DeliveryState, string> = { pending: '…', queued: '⏳', failed: '⚠', sent: '✓', delivered: '✓✓', read: '✓✓' };

function Receipt({ state }: { state: DeliveryState }) {
  const { t } = useTranslation();
  return (
    <span className={`receipt receipt--${state}`} data-receipt={state} title={t(`chat.statusLong.${state}`)}>
      <span aria-hidden="true">{ICON[state]} </span>
      <span className="receipt__label">{t(`chat.status.${state}`)}</span>
      <span className="visually-hidden"> — {t(`chat.statusLong.${state}`)}</span>
    </span>
  );
}

function MessageItem({ message, receipts, myName }: { message: ChatMessage; receipts: ChatReceipts | null; myName: string | undefined }) {
  const { t, i18n } = useTranslation();
  const own = message.author === 'technician';
  const who = message.author === 'system' ? t('chat.system') : own && message.authorName === myName ? t('chat.you') : message.authorName;
  return (
    <li className={`msg msg--${message.author}`} data-message-id={message.id} data-seq={message.seq}>
      <div className="msg__meta">
        <span className="msg__author">{who}</span>
        <time className="msg__time" dateTime={message.createdAt}>
          {formatTimeOfDay(message.createdAt, i18n.language)}
        </time>
      </div>
      <p className="msg__text">
        {message.author === 'system' ? systemMessageText(isLocale(i18n.language) ? i18n.language : DEFAULT_LOCALE, message) : message.text}
      </p>
      {own ? <Receipt state={deliveryState(message.seq, receipts)} /> : null}
    </li>
  );
}

function PendingItem({ item }: { item: OutboxItem }) {
  const { t } = useTranslation();
  const controller = useController();
  const state: DeliveryState = item.state === 'sending' ? 'pending' : item.state;
  return (
    <li className={`msg msg--technician msg--pending${item.state === 'failed' ? ' msg--failed' : ''}`} data-message-id={item.id}>
      <div className="msg__meta">
        <span className="msg__author">{t('chat.you')}</span>
      </div>
      <p className="msg__text">{item.text}</p>
      <Receipt state={state} />
      {item.state === 'failed' ? (
        <div className="msg__actions">
          {item.error ? <span className="msg__error">{controller.errorText(item.error)}</span> : null}
          <button type="button" className="btn btn--small" onClick={() => controller.retryMessage(item.id)}>
            {t('chat.retry')}
          </button>
          <button type="button" className="btn btn--small btn--ghost" onClick={() => controller.discardMessage(item.id)}>
            {t('chat.discard')}
          </button>
        </div>
      ) : null}
    </li>
  );
}

/** The conversation with the practice: history, live messages, receipts, typing, composer. */
export function ChatPanel({ requestId, canWrite }: { requestId: string; canWrite: boolean }) {
  const { t } = useTranslation();
  const controller = useController();
  const inputId = useId();
  const messages = useWorkspace((s) => s.conversations[requestId]?.messages);
  const receipts = useWorkspace((s) => s.conversations[requestId]?.receipts ?? null);
  const typing = useWorkspace((s) => s.conversations[requestId]?.typing ?? null);
  const outbox = useWorkspace((s) => s.outbox);
  const myName = useSession((s) => s.technician?.displayName);
  const now = useUi((s) => s.now);
  const [text, setText] = useState('');
  const [tooLong, setTooLong] = useState(false);
  const logRef = useRef<HTMLOListElement>(null);

  const entries = useMemo(() => timeline(messages ?? [], outbox, requestId), [messages, outbox, requestId]);

  // Keep the newest message in view.
  useLayoutEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [entries.length]);

  // New messages while this request is on screen: tell the practice they were read.
  useEffect(() => {
    void controller.markRead(requestId);
  }, [controller, requestId, messages]);

  function send(e?: FormEvent) {
    e?.preventDefault();
    if (!text.trim()) return;
    if (text.trim().length > LIMITS.chatText) {
      setTooLong(true);
      return;
    }
    const r = controller.sendMessage(requestId, text);
    if (r.ok) {
      setText('');
      setTooLong(false);
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  }

  const showTyping = typing !== null && typing.until > now;

  return (
    <section className="chat" aria-labelledby="chat-title">
      <h2 id="chat-title" className="panel-title">
        {t('chat.title')}
      </h2>
      <ol
        ref={logRef}
        className="chat__log"
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-labelledby="chat-title"
        tabIndex={0}
      >
        {entries.length === 0 ? <li className="chat__empty muted">{t('chat.empty')}</li> : null}
        {entries.map((e) =>
          e.kind === 'message' ? (
            <MessageItem key={e.message.id} message={e.message} receipts={receipts} myName={myName} />
          ) : (
            <PendingItem key={e.item.id} item={e.item} />
          ),
        )}
      </ol>
      <p className="chat__typing" data-testid="typing">
        {showTyping ? t('chat.typing', { name: typing.name }) : ''}
      </p>
      {canWrite ? (
        <form className="chat__composer" onSubmit={send}>
          <label htmlFor={inputId} className="visually-hidden">
            {t('chat.inputLabel')}
          </label>
          <textarea
            id={inputId}
            className="chat__input"
            rows={3}
            value={text}
            placeholder={t('chat.placeholder')}
            aria-describedby={tooLong ? `${inputId}-err` : undefined}
            onChange={(e) => {
              setText(e.target.value);
              controller.typing(requestId, e.target.value.trim().length > 0);
            }}
            onKeyDown={onKeyDown}
            onBlur={() => controller.typing(requestId, false)}
          />
          <button type="submit" className="btn btn--primary btn--large" disabled={!text.trim()}>
            {t('chat.send')}
          </button>
          {tooLong ? (
            <p id={`${inputId}-err`} className="field__error" role="alert">
              {t('chat.tooLong', { count: LIMITS.chatText })}
            </p>
          ) : null}
        </form>
      ) : null}
    </section>
  );
}
