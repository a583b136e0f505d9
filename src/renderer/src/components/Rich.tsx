import { Fragment, type ReactElement, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageValues } from '@shared/i18n/translator';
import { richText, type TagRenderer, type TextKey } from '../text/i18n';

interface Props {
  k: TextKey;
  values?: MessageValues;
  /** What each tag of the message becomes, e.g. `{ strong: (chunks) => <strong>{chunks}</strong> }`. */
  tags: Record<string, TagRenderer<ReactNode>>;
}

/**
 * A message with elements inside (a bold name, a link-like button), in the current language. Values
 * stay text: a name with angle brackets in it is shown as typed, never taken for markup.
 */
export function Rich({ k, values = {}, tags }: Props): ReactElement {
  // Re-renders when the language changes.
  useTranslation();
  return (
    <>
      {richText<ReactNode>(k, values, tags).map((part, i) => (
        <Fragment key={i}>{part}</Fragment>
      ))}
    </>
  );
}
