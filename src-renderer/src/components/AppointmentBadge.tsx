/**
 * "Appointment 10:30" on a ticket issued at an appointment check-in, for the staff screens (the
 * teller's current ticket and parked list, the manager's queue list and dialogs). A late check-in
 * is an ordinary walk-in, queued at arrival: its badge says "late for 10:30", quieter (its title says why).
 * Colours in staff.css; each screen sizes it (.mgr-appt, .tlr-appt).
 */
import { useTranslation } from 'react-i18next';
import type { TicketAppointment } from '@domain/contracts';
import './staff.css';

export function AppointmentBadge({ appointment, className }: { appointment: TicketAppointment | undefined; className?: string }) {
  const { t } = useTranslation('common');
  if (!appointment) return null;
  const { late, bookedTime: time } = appointment;
  return (
    <span
      className={`staff-appt${late ? ' is-late' : ''}${className ? ` ${className}` : ''}`}
      title={t(late ? 'appointment.lateTitle' : 'appointment.onTimeTitle', { time })}
      data-testid="appointment-badge"
      data-late={late ? 'true' : 'false'}
    >
      {t(late ? 'appointment.late' : 'appointment.onTime', { time })}
    </span>
  );
}
