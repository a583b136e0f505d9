import { useEffect } from 'react';

/** Shows `title` as the document's (the tab's, the window's) title while mounted; the one before comes back after. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    const before = document.title;
    return () => {
      document.title = before;
    };
  }, []);
  useEffect(() => {
    document.title = title;
  }, [title]);
}
