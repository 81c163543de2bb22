/** One reading of the receiving side's statistics (RTCPeerConnection.getStats, inbound video). */
export interface StatsSample {
  /** ms (the stats' own timestamp). */
  at: number;
  framesDecoded: number;
  bytesReceived: number;
  width: number;
  height: number;
}

export interface Quality {
  fps: number | null;
  width: number;
  height: number;
  kbps: number | null;
  rttMs: number | null;
}

/** Picks the inbound video entry of a stats report. */
export function readInboundVideo(report: Iterable<Record<string, unknown>>): StatsSample | null {
  for (const s of report) {
    if (s.type !== 'inbound-rtp' || s.kind !== 'video') continue;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
    return {
      at: num(s.timestamp),
      framesDecoded: num(s.framesDecoded),
      bytesReceived: num(s.bytesReceived),
      width: num(s.frameWidth),
      height: num(s.frameHeight),
    };
  }
  return null;
}

/** Frames per second and kbit/s between two samples (null until two samples a moment apart exist). */
export function qualityBetween(prev: StatsSample | null, next: StatsSample, rttMs: number | null): Quality {
  const secs = prev ? (next.at - prev.at) / 1000 : 0;
  const ok = prev !== null && secs > 0.2 && next.framesDecoded >= prev.framesDecoded && next.bytesReceived >= prev.bytesReceived;
  return {
    fps: ok ? (next.framesDecoded - prev.framesDecoded) / secs : null,
    kbps: ok ? ((next.bytesReceived - prev.bytesReceived) * 8) / secs / 1000 : null,
    width: next.width,
    height: next.height,
    rttMs,
  };
}

/** "1,8 Mbit/s" / "850 kbit/s" in the UI's language. */
export function formatBitrate(kbps: number, locale: string): string {
  if (kbps >= 1000)
    return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(kbps / 1000)} Mbit/s`;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(kbps)} kbit/s`;
}
