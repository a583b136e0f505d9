import { describe, expect, it } from 'vitest';
import { linkify } from './ChatText';

describe('links in chat', () => {
  it('finds http(s) links and leaves the rest as text', () => {
    expect(linkify('see https://example.org/a?b=1, then http://x.test.')).toEqual([
      { text: 'see ' },
      { text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
      { text: ', then ' },
      { text: 'http://x.test', href: 'http://x.test/' },
      { text: '.' },
    ]);
  });

  it('never makes links of other schemes or markup', () => {
    for (const text of ['javascript:alert(1)', '<a href="https://x">x</a>', 'file:///etc/passwd', 'data:text/html,<script>']) {
      const parts = linkify(text);
      expect(parts.filter((p) => p.href && !p.href.startsWith('https://x')).length).toBe(0);
    }
    expect(linkify('<img src=x onerror=alert(1)>')).toEqual([{ text: '<img src=x onerror=alert(1)>' }]);
  });
});
