/**
 * The columns the staff desks' "waiting per service" tables share (manager queue panel, teller
 * side panel): the service, how many wait, and the longest wait, which keeps ticking between
 * snapshots. The screen keeps its own <table> / <tr> (testids, selection, extra columns).
 */
import type { ReactNode } from 'react';
import type { ServiceQueue } from '@domain/contracts';
import { formatDuration } from './format';
import './staff.css';

/** Header cells of the three shared columns, with the screen's translated labels. */
export function ServiceWaitHead({ service, waiting, longest }: { service: string; waiting: string; longest: string }) {
  return (
    <>
      <th scope="col">{service}</th>
      <th scope="col" className="num">
        {waiting}
      </th>
      <th scope="col" className="num">
        {longest}
      </th>
    </>
  );
}

interface ServiceWaitCellsProps {
  service: ServiceQueue;
  /** The service's name as the screen shows it. */
  name: string;
  /** Class prefix of the screen ('mgr', 'tlr'): `${prefix}-svc-code`. */
  prefix: 'mgr' | 'tlr';
  /** Seconds since the snapshot was taken, added to its longest wait. */
  sinceSnapshot: number;
  waitingTestId: string;
  /** Extra class of the longest-wait cell, from the wait in seconds (0 when nobody waits). */
  longestClass?: (seconds: number) => string;
  /** Shown after the name (e.g. the teller's "my service" tag). */
  children?: ReactNode;
}

/** Row header and the two count cells of one service. */
export function ServiceWaitCells({ service, name, prefix, sinceSnapshot, waitingTestId, longestClass, children }: ServiceWaitCellsProps) {
  const longest = service.waiting > 0 ? service.longestWaitSeconds + sinceSnapshot : 0;
  return (
    <>
      <th scope="row">
        <span className={`staff-svc-code ${prefix}-svc-code`}>{service.code}</span> {name}
        {children}
      </th>
      <td className="num">
        <b data-testid={waitingTestId}>{service.waiting}</b>
      </td>
      <td className={longestClass ? `num ${longestClass(longest)}` : 'num'}>{service.waiting > 0 ? formatDuration(longest) : '—'}</td>
    </>
  );
}
