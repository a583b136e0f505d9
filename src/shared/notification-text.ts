/** The most of a message a desktop notification shows, in characters: a glance, not the message. */
export const NOTIFICATION_TEXT_MAX = 200;

const MARKUP_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

// Invisible characters that have no place in a glance: C0 controls but tab and newline, DEL and C1
// (the markup parser of some notification servers rejects the whole body over one of them), and
// bidi embeddings, overrides and isolates (they could reorder what the notification shows).
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

/** Escapes the three characters that make text markup: `&`, `<` and `>`. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>]/g, (c) => MARKUP_ENTITIES[c] ?? c);
}

/**
 * Whether the body of a desktop notification is read as markup. On Linux the notification server
 * interprets a subset of it in the body (`<b>`, `<a href>`, `<img src>`, entities: the
 * freedesktop "body-markup" capability). Chromium escapes a web page's notification body itself,
 * but Electron hands the body to libnotify as it is: so it is markup in the desktop app on Linux
 * and nowhere else (escaping it in a browser would show the entities literally).
 */
export function notificationBodyIsMarkup(platform: 'desktop' | 'browser', userAgent: string): boolean {
  return platform === 'desktop' && /\bLinux\b/.test(userAgent) && !/\bAndroid\b/.test(userAgent);
}

/**
 * A chat message as the body of a desktop notification: invisible characters dropped, at most
 * `max` characters (whole characters, never half an emoji; "…" when cut), then, where the body is
 * markup, escaped so the text shows as written and cannot add markup or links of its own.
 */
export function notificationBody(text: string, options: { markup: boolean; max?: number }): string {
  const max = Math.max(1, options.max ?? NOTIFICATION_TEXT_MAX);
  const visible = text.replace(/\r\n?/g, '\n').replace(INVISIBLE, '').trim();
  return options.markup ? escapeMarkup(cap(visible, max)) : cap(visible, max);
}

/** Cuts after `max` user-perceived characters (grapheme clusters), before escaping so no entity is cut. */
function cap(text: string, max: number): string {
  // Quick way out: a text of at most `max` UTF-16 units has at most `max` characters.
  if (text.length <= max) return text;
  // Segments are made lazily: a long text is read only as far as the cut.
  const kept: string[] = [];
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    if (kept.length === max)
      return `${kept
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
    kept.push(segment);
  }
  return text;
}
