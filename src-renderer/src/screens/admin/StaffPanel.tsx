/**
 * Staff: the branch's managers, tellers and admins. Branch IT adds someone (the hub gives an
 * initial PIN, shown once, which the person changes at their first sign-in), changes a name, role
 * or usual counter, disables or enables an account (their sessions end at once) and gives someone
 * who forgot their PIN a new initial one. Every change is audited with before and after.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BranchInfo, StaffInfo, StaffPinResponse } from '@domain/contracts';
import type { StaffCall } from '../../components/staffApi';
import { errorMessage, formatDateTime, localized } from '../../components/format';

type Role = StaffInfo['role'];
const ROLES: readonly Role[] = ['manager', 'teller', 'admin'];

interface Draft {
  id: string;
  name: string;
  role: Role;
  counterId: string;
}

export function StaffPanel({ call, branch, me }: { call: StaffCall; branch: BranchInfo | null; me: string }) {
  const { t } = useTranslation(['admin', 'common']);
  const [staff, setStaff] = useState<StaffInfo[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [adding, setAdding] = useState<Draft | null>(null);
  const [editing, setEditing] = useState<(Draft & { active: boolean }) | null>(null);
  const [pin, setPin] = useState<StaffPinResponse | null>(null);
  const [confirmReset, setConfirmReset] = useState<string | null>(null);

  const load = useCallback(() => {
    call('listStaff')
      .then((r) => {
        setStaff(r.staff);
        setLoaded(true);
        setError(null);
      })
      .catch((err) => setError(errorMessage(err)));
  }, [call]);
  useEffect(load, [load]);

  const counterOf = (d: Draft) => (d.role === 'teller' && d.counterId ? Number(d.counterId) : null);

  /** Runs one change: busy meanwhile, the list read again after it, its refusal shown. */
  async function change(action: () => Promise<void>) {
    setBusy(true);
    try {
      await action();
      setError(null);
      load();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  function add(e: FormEvent) {
    e.preventDefault();
    if (!adding || busy) return;
    void change(async () => {
      setPin(await call('addStaff', { body: { id: adding.id.trim(), name: adding.name.trim(), role: adding.role, counterId: counterOf(adding) } }));
      setAdding(null);
    });
  }

  function save(e: FormEvent) {
    e.preventDefault();
    if (!editing || busy) return;
    void change(async () => {
      await call('updateStaff', { params: { id: editing.id }, body: { name: editing.name.trim(), role: editing.role, counterId: counterOf(editing), active: editing.active } });
      setEditing(null);
    });
  }

  const unlock = (id: string) => change(async () => void (await call('unlockStaff', { params: { id } })));

  const resetPin = (id: string) =>
    change(async () => {
      setPin(await call('resetStaffPin', { params: { id } }));
      setConfirmReset(null);
    });

  const counters = branch?.counters ?? [];
  const fields = (d: Draft, set: (d: Draft) => void, idEditable: boolean) => (
    <>
      <label>
        <span>{t('staff.id')}</span>
        <input value={d.id} readOnly={!idEditable} onChange={(e) => set({ ...d, id: e.target.value })} required maxLength={32} data-testid="staff-form-id" />
      </label>
      <label>
        <span>{t('staff.name')}</span>
        <input value={d.name} onChange={(e) => set({ ...d, name: e.target.value })} required maxLength={40} data-testid="staff-form-name" />
      </label>
      <label>
        <span>{t('staff.role')}</span>
        <select value={d.role} onChange={(e) => set({ ...d, role: e.target.value as Role })} data-testid="staff-form-role">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`common:role.${r}`)}
            </option>
          ))}
        </select>
      </label>
      {d.role === 'teller' && (
        <label>
          <span>{t('staff.counter')}</span>
          <select value={d.counterId} onChange={(e) => set({ ...d, counterId: e.target.value })} data-testid="staff-form-counter">
            <option value="">{t('staff.noCounter')}</option>
            {counters.map((c) => (
              <option key={c.id} value={String(c.id)}>
                {localized(c.name)}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );

  return (
    <section className="adm-panel" data-testid="staff-panel">
      <div className="adm-panel-head">
        <h2>{t('staff.title')}</h2>
        <span className="adm-note">{t('staff.note')}</span>
        <button type="button" className="adm-btn adm-btn--primary" onClick={() => setAdding({ id: '', name: '', role: 'teller', counterId: '' })} data-testid="staff-add">
          {t('staff.add')}
        </button>
      </div>
      {error && (
        <div className="adm-error" role="alert" data-testid="staff-error">
          {error}
        </div>
      )}
      {pin && (
        <div className="adm-secret" role="alert" data-testid="staff-pin">
          <strong>{t('staff.pinFor', { name: pin.staff.name, id: pin.staff.id })}</strong>
          <code className="adm-secret__value" data-testid="staff-pin-value">
            {pin.pin}
          </code>
          <span>{t('staff.pinOnce')}</span>
          <button type="button" className="adm-btn" onClick={() => setPin(null)} data-testid="staff-pin-done">
            {t('staff.pinDone')}
          </button>
        </div>
      )}
      {adding && (
        <form className="adm-form" onSubmit={add} data-testid="staff-add-form">
          <h3>{t('staff.addTitle')}</h3>
          {fields(adding, (d) => setAdding(d), true)}
          <div className="adm-form-actions">
            <button type="submit" className="adm-btn adm-btn--primary" disabled={busy} data-testid="staff-add-submit">
              {t('staff.addSubmit')}
            </button>
            <button type="button" className="adm-btn" onClick={() => setAdding(null)}>
              {t('common:actions.cancel')}
            </button>
          </div>
        </form>
      )}
      {editing && (
        <form className="adm-form" onSubmit={save} data-testid="staff-edit-form">
          <h3>{t('staff.editTitle', { id: editing.id })}</h3>
          {fields(editing, (d) => setEditing({ ...editing, ...d }), false)}
          <label className="adm-check">
            <input type="checkbox" checked={editing.active} disabled={editing.id === me} onChange={(e) => setEditing({ ...editing, active: e.target.checked })} data-testid="staff-form-active" />
            <span>{t('staff.active')}</span>
          </label>
          <div className="adm-form-actions">
            <button type="submit" className="adm-btn adm-btn--primary" disabled={busy} data-testid="staff-edit-submit">
              {t('staff.save')}
            </button>
            <button type="button" className="adm-btn" onClick={() => setEditing(null)}>
              {t('common:actions.cancel')}
            </button>
          </div>
        </form>
      )}
      {!loaded && !error ? (
        <p className="adm-empty">{t('common:loading')}</p>
      ) : (
        <div className="adm-scroll">
          <table className="adm-table" data-testid="staff-table">
            <thead>
              <tr>
                <th scope="col">{t('staff.id')}</th>
                <th scope="col">{t('staff.name')}</th>
                <th scope="col">{t('staff.role')}</th>
                <th scope="col">{t('staff.counter')}</th>
                <th scope="col">{t('staff.state')}</th>
                <th scope="col">{t('staff.pin')}</th>
                <th scope="col">
                  <span className="adm-sr">{t('staff.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {staff.map((s) => (
                <tr key={s.id} data-testid="staff-row" data-staff-id={s.id} data-active={s.active ? 'yes' : 'no'}>
                  <td className="mono">{s.id}</td>
                  <td>{s.name}</td>
                  <td>{t(`common:role.${s.role}`)}</td>
                  <td>{s.counterId ? localized(counters.find((c) => c.id === s.counterId)?.name ?? { 'zh-CN': String(s.counterId), en: String(s.counterId) }) : '—'}</td>
                  <td>
                    <span className={`adm-pill ${s.active ? '' : 'is-off'}`}>{s.active ? (s.signedIn ? t('staff.signedIn') : t('staff.enabled')) : t('staff.disabled')}</span>
                    {s.locked && (
                      <span className="adm-pill is-failed" data-testid="staff-locked">
                        {t('staff.locked')}
                      </span>
                    )}
                  </td>
                  <td>{s.mustChangePin ? t('staff.pinInitial') : s.pinChangedAt ? t('staff.pinOwn', { date: formatDateTime(s.pinChangedAt) }) : t('staff.pinOwnUnknown')}</td>
                  <td className="adm-row-actions">
                    <button
                      type="button"
                      className="adm-btn"
                      onClick={() => setEditing({ id: s.id, name: s.name, role: s.role, counterId: s.counterId ? String(s.counterId) : '', active: s.active })}
                      data-testid="staff-edit"
                    >
                      {t('staff.edit')}
                    </button>
                    {s.locked && (
                      <button type="button" className="adm-btn" disabled={busy} onClick={() => void unlock(s.id)} data-testid="staff-unlock">
                        {t('staff.unlock')}
                      </button>
                    )}
                    {confirmReset === s.id ? (
                      <button type="button" className="adm-btn adm-btn--danger" disabled={busy} onClick={() => void resetPin(s.id)} data-testid="staff-reset-confirm">
                        {t('staff.resetConfirm')}
                      </button>
                    ) : (
                      <button type="button" className="adm-btn" onClick={() => setConfirmReset(s.id)} data-testid="staff-reset">
                        {t('staff.reset')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
