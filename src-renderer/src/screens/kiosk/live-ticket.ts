/**
 * The ticket on the kiosk's screen, kept current while it is shown: its place in line and
 * estimate are read again from the public track endpoint (the same one the phone page uses: number,
 * position, estimate; nothing personal) whenever the kiosk's socket reports `queue:changed`, and
 * every POLL_MS in case the socket is down.
 */
import { useEffect, useState } from 'react';
import type { IssuedTicket, TrackResponse } from '@domain/contracts';
import { request } from '../../lib/api';
import type { LobbySocket } from '../../lib/socket';

/** Fallback refresh while the socket is quiet or down. */
export const POLL_MS = 10_000;
/** Several queue changes in a burst cost one request. */
const MIN_GAP_MS = 700;

export interface LiveTicket extends IssuedTicket {
  /** `called` once a counter called it; the counter's name then (from the track endpoint). */
  liveStatus: TrackResponse['status'];
  counterName: TrackResponse['counterName'];
}

/** The track token of a ticket's tracking URL (`…/t/<token>`), or null. */
export function trackTokenOf(trackUrl: string): string | null {
  const m = /\/t\/([A-Za-z0-9_-]{16,64})\/?$/.exec(trackUrl);
  return m ? m[1]! : null;
}

/** Applies a track response to the issued ticket: only number-level facts change. */
export function applyTrack(ticket: IssuedTicket, track: TrackResponse): LiveTicket {
  const waiting = track.status === 'waiting';
  return {
    ...ticket,
    position: waiting ? track.position : 0,
    peopleAhead: waiting ? Math.max(track.position - 1, 0) : 0,
    estimatedWaitMinutes: waiting ? track.estimatedWaitMinutes : 0,
    liveStatus: track.status,
    counterName: track.counterName,
  };
}

export function useLiveTicket(ticket: IssuedTicket, socket: LobbySocket | null): LiveTicket {
  const [live, setLive] = useState<LiveTicket>({ ...ticket, liveStatus: 'waiting', counterName: null });

  useEffect(() => {
    setLive({ ...ticket, liveStatus: 'waiting', counterName: null });
    const token = trackTokenOf(ticket.trackUrl);
    if (!token) return;
    let alive = true;
    let inFlight = false;
    let again = false;
    let last = 0;
    let timer = 0;
    const refresh = () => {
      if (inFlight) {
        again = true;
        return;
      }
      const wait = last + MIN_GAP_MS - Date.now();
      if (wait > 0) {
        window.clearTimeout(timer);
        timer = window.setTimeout(refresh, wait);
        return;
      }
      inFlight = true;
      last = Date.now();
      request('track', null, { params: { token } })
        .then((track) => {
          if (alive) setLive(applyTrack(ticket, track));
        })
        .catch(() => undefined) // keep what is shown; the next change or poll tries again
        .finally(() => {
          inFlight = false;
          if (again && alive) {
            again = false;
            refresh();
          }
        });
    };
    const poll = window.setInterval(refresh, POLL_MS);
    socket?.on('queue:changed', refresh);
    socket?.on('connect', refresh);
    return () => {
      alive = false;
      window.clearInterval(poll);
      window.clearTimeout(timer);
      socket?.off('queue:changed', refresh);
      socket?.off('connect', refresh);
    };
  }, [ticket, socket]);

  return live;
}
