import { pathToFileURL } from 'node:url';

/** Where our renderer comes from: the built index.html (file://) or the dev server's origin. */
export interface RendererOrigin {
  indexHtmlPath: string;
  devServerUrl?: string | undefined;
}

/** The file:// URL (or dev URL) the popover loads. */
export function rendererEntryUrl(o: RendererOrigin): string {
  return o.devServerUrl ?? pathToFileURL(o.indexHtmlPath).href;
}

/**
 * True only for a frame showing our renderer: exactly the built index.html over file:// (any
 * fragment or query), or a page of the dev server's origin. Everything else is refused by IPC.
 */
export function isTrustedRendererUrl(url: string | undefined | null, o: RendererOrigin): boolean {
  if (!url) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (o.devServerUrl) {
    try {
      if (u.origin === new URL(o.devServerUrl).origin && (u.protocol === 'http:' || u.protocol === 'https:')) return true;
    } catch {
      /* bad dev URL: fall through */
    }
  }
  if (u.protocol !== 'file:') return false;
  const expected = new URL(pathToFileURL(o.indexHtmlPath).href);
  return u.host === expected.host && decodeURIComponent(u.pathname) === decodeURIComponent(expected.pathname);
}
