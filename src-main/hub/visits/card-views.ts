/**
 * The audit row of a customer card seen by one person at one place (`customer_card.view`): pushed to
 * their screens or listed on them. Written by whoever knows the moment: the issue that pushes a new
 * ticket's card writes it in its own transaction, before the card leaves the hub.
 */
import type { AuditRecord } from '../journal';
import type { CardViewer } from '../broadcast';

export function cardViewRecord(
  branchId: string,
  viewer: CardViewer,
  ticketId: string,
  customerRef: string,
  number: string,
  via: 'push' | 'list',
): AuditRecord {
  return {
    branchId,
    actor: viewer.actor,
    role: viewer.role,
    device: viewer.device,
    action: 'customer_card.view',
    subject: `ticket:${ticketId}`,
    detail: { customer: customerRef, number, via, ...(viewer.screens > 1 ? { screens: viewer.screens } : {}) },
  };
}
