/** Initial PINs an administrator hands out (a new staff member, a reset). */
import { randomInt } from 'node:crypto';
import { pinProblem } from '../domain/pin-policy';

/** A random six-digit PIN that passes the PIN rules. */
export function randomPin(): string {
  for (;;) {
    const pin = String(randomInt(0, 1_000_000)).padStart(6, '0');
    if (!pinProblem(pin)) return pin;
  }
}
