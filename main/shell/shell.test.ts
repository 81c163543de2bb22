import { describe, expect, it } from 'vitest';
import { popoverPosition } from './position.js';
import { isTrustedRendererUrl, rendererEntryUrl } from './trust.js';

describe('renderer trust check', () => {
  const o = { indexHtmlPath: '/opt/Vigie/resources/app.asar/out/renderer/index.html' };
  it('accepts only our built index.html over file://', () => {
    const entry = rendererEntryUrl(o);
    expect(entry).toBe('file:///opt/Vigie/resources/app.asar/out/renderer/index.html');
    expect(isTrustedRendererUrl(entry, o)).toBe(true);
    expect(isTrustedRendererUrl(entry + '#/chat', o)).toBe(true);
    expect(isTrustedRendererUrl('file:///opt/Vigie/resources/app.asar/out/renderer/other.html', o)).toBe(false);
    expect(isTrustedRendererUrl('file:///tmp/index.html', o)).toBe(false);
    expect(isTrustedRendererUrl('https://evil.example/index.html', o)).toBe(false);
    expect(isTrustedRendererUrl('about:blank', o)).toBe(false);
    expect(isTrustedRendererUrl('', o)).toBe(false);
    expect(isTrustedRendererUrl(undefined, o)).toBe(false);
  });
  it('accepts the dev server origin only when one is configured', () => {
    const dev = { ...o, devServerUrl: 'http://localhost:5173' };
    expect(isTrustedRendererUrl('http://localhost:5173/', dev)).toBe(true);
    expect(isTrustedRendererUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isTrustedRendererUrl('http://localhost:5173/', o)).toBe(false);
  });
});

describe('popover placement', () => {
  const size = { width: 400, height: 600 };
  it('drops below a top menu bar (macOS), centred on the icon', () => {
    const p = popoverPosition({ x: 1200, y: 0, width: 22, height: 24 }, size, { x: 0, y: 25, width: 1440, height: 875 });
    expect(p).toEqual({ x: 1011, y: 31 });
  });
  it('rises above a bottom taskbar (Windows) and stays on screen', () => {
    const p = popoverPosition({ x: 1880, y: 1045, width: 24, height: 30 }, size, { x: 0, y: 0, width: 1920, height: 1040 });
    expect(p).toEqual({ x: 1514, y: 434 });
  });
  it('sits beside a left taskbar', () => {
    const p = popoverPosition({ x: 0, y: 500, width: 40, height: 40 }, size, { x: 48, y: 0, width: 1872, height: 1080 });
    expect(p).toEqual({ x: 54, y: 220 });
  });
  it('falls back to the bottom-right corner without tray bounds', () => {
    const p = popoverPosition({ x: 0, y: 0, width: 0, height: 0 }, size, { x: 0, y: 30, width: 1920, height: 1050 });
    expect(p).toEqual({ x: 1514, y: 474 });
  });
});
