/**
 * The branch's set-up as its branch file (docs/SETUP.md) without staff and devices: services,
 * counters and the rules that differ from the defaults. Branch IT edits the text; "Check" shows
 * every problem with its line, or what would change; "Apply" applies it in one step, audited,
 * refused when a counter or service still in use would be taken out or someone else changed the
 * set-up meanwhile.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BranchSetupCheckResponse } from '@domain/contracts';
import type { StaffCall } from '../../components/staffApi';
import { errorMessage } from '../../components/format';

export function SetupPanel({ call, onApplied }: { call: StaffCall; onApplied: () => void }) {
  const { t } = useTranslation(['admin', 'common']);
  const [yaml, setYaml] = useState('');
  const [revision, setRevision] = useState<number | undefined>(undefined);
  const [result, setResult] = useState<BranchSetupCheckResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dirty, setDirty] = useState(false);

  const load = useCallback(() => {
    call('branchSetup')
      .then((r) => {
        setYaml(r.yaml);
        setRevision(r.revision);
        setDirty(false);
        setResult(null);
        setError(null);
      })
      .catch((err) => setError(errorMessage(err)));
  }, [call]);
  useEffect(load, [load]);

  async function run(apply: boolean) {
    setBusy(true);
    try {
      const r = apply ? await call('applyBranchSetup', { body: { yaml, ...(revision !== undefined ? { revision } : {}) } }) : await call('checkBranchSetup', { body: { yaml } });
      setResult(r);
      setError(null);
      if (r.applied) {
        setRevision(r.revision);
        setDirty(false);
        onApplied();
      }
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="adm-setup" data-testid="setup-panel">
      <h3>{t('setup.title')}</h3>
      <p className="adm-note">{t('setup.hint')}</p>
      <label className="adm-setup-editor">
        <span className="adm-sr">{t('setup.title')}</span>
        <textarea
          value={yaml}
          spellCheck={false}
          rows={18}
          onChange={(e) => {
            setYaml(e.target.value);
            setDirty(true);
            setResult(null);
          }}
          data-testid="setup-yaml"
        />
      </label>
      <div className="adm-form-actions">
        <button type="button" className="adm-btn" disabled={busy} onClick={() => void run(false)} data-testid="setup-check">
          {t('setup.check')}
        </button>
        <button type="button" className="adm-btn adm-btn--primary" disabled={busy || !dirty || (result !== null && !result.ok)} onClick={() => void run(true)} data-testid="setup-apply">
          {t('setup.apply')}
        </button>
        <button type="button" className="adm-btn" disabled={busy} onClick={load} data-testid="setup-reload">
          {t('setup.reload')}
        </button>
      </div>
      {error && (
        <div className="adm-error" role="alert" data-testid="setup-error">
          {error}
        </div>
      )}
      {result && (
        <div className="adm-setup-result" role="status" data-testid="setup-result" data-ok={result.ok ? 'yes' : 'no'} data-applied={result.applied ? 'yes' : 'no'}>
          {result.issues.length > 0 && (
            <>
              <strong>{t('setup.issues', { count: result.issues.length })}</strong>
              <ul data-testid="setup-issues">
                {result.issues.map((i, n) => (
                  <li key={n}>
                    {i.line ? t('setup.line', { line: i.line }) : ''} <code>{i.path}</code> {i.message}
                  </li>
                ))}
              </ul>
            </>
          )}
          {result.refusals.length > 0 && (
            <ul className="adm-setup-refusals" data-testid="setup-refusals">
              {result.refusals.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          )}
          {result.ok && (
            <>
              <strong>{result.applied ? t('setup.applied', { count: result.changes.length }) : result.changes.length ? t('setup.wouldChange') : t('setup.nothing')}</strong>
              <ul className="adm-setup-changes" data-testid="setup-changes">
                {result.changes.map((c) => (
                  <li key={c}>
                    <code>{c}</code>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}
