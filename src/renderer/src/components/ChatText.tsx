import type { ReactElement } from 'react';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;

export interface TextPart {
  text: string;
  href?: string;
}

/** Splits a message into plain text and web links (http/https only; trailing punctuation left out). */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let url = match[0];
    const trailing = /[.,;:!?)\]]+$/.exec(url)?.[0] ?? '';
    url = url.slice(0, url.length - trailing.length);
    const start = match.index;
    if (start > last) parts.push({ text: text.slice(last, start) });
    let href: string | undefined;
    try {
      href = new URL(url).href;
    } catch {
      href = undefined;
    }
    parts.push(href ? { text: url, href } : { text: url });
    last = start + url.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** A chat message as React text nodes and anchors: never parsed as HTML. */
export function ChatText({ text }: { text: string }): ReactElement {
  return (
    <>
      {linkify(text).map((part, i) =>
        part.href ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow">
            {part.text}
          </a>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}
