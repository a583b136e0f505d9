import { useEffect, useRef } from 'react';
import type { ChatEntry } from '../call/chat';
import { getPlatform } from '../platform/platform';
import { notificationBody, notificationBodyIsMarkup } from '@shared/notification-text';

/**
 * Asks the browser whether chat may notify, the first time the person opens the chat: a question
 * that comes from something they did, not a prompt that pops up as the meeting opens (and work
 * for the browser right while the call connects). The desktop app grants it without asking.
 */
export function askToNotifyOfChat(): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission().catch(() => undefined);
}

/** A desktop notification for each new message from someone else while the window is not focused. */
export function useChatNotifications(messages: readonly ChatEntry[], selfId: string | null): void {
  const seen = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (seen.current === null) {
      // Whatever is there when the meeting opens (history) is not news.
      seen.current = new Set(messages.map((m) => m.id));
      return;
    }
    for (const message of messages) {
      if (seen.current.has(message.id)) continue;
      seen.current.add(message.id);
      if (message.from.id === selfId || message.status !== 'sent' || document.hasFocus()) continue;
      if (typeof Notification === 'undefined' || Notification.permission !== 'granted') continue;
      // The body is markup to the desktop app's notifications on Linux: escaped there, so a message cannot add any.
      const body = notificationBody(message.text, { markup: notificationBodyIsMarkup(getPlatform().kind, navigator.userAgent) });
      const notification = new Notification(message.from.name, { body, tag: `roundtable-chat-${message.id}` });
      notification.onclick = () => window.focus();
    }
  }, [messages, selfId]);
}
