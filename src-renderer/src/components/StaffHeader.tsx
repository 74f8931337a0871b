/**
 * The navy header of the staff desks (manager, teller, admin): logo, screen title and branch name,
 * the screen's own middle part (KPIs, counter, tabs), then connection state, the signed-in user,
 * the language switch and sign-out. Elements carry both the shared class (staff.css) and the
 * screen's prefixed one (`${prefix}-header`, ...), which adds that screen's sizes.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { BranchInfo } from '@domain/contracts';
import { ConnectionBadge, LanguageSwitch, StaffStyles, type StaffAuth, type StaffScope } from './StaffLogin';
import { localized } from './format';
import './staff.css';

/** Class prefix of each staff screen's own styles. */
const PREFIX: Record<StaffScope, string> = { manager: 'mgr', teller: 'tlr', admin: 'adm' };

interface StaffHeaderProps {
  /** The screen: picks the class prefix and the user name's data-testid (`${scope}-user`). */
  scope: StaffScope;
  title: string;
  branch: BranchInfo | null;
  auth: StaffAuth;
  /** Socket state, for the screens that keep a live connection. */
  connected?: boolean;
  /** data-testid of the branch name line, where a test reads it. */
  branchTestId?: string;
  /** Between the brand and the tools. */
  children?: ReactNode;
}

export function StaffHeader({ scope, title, branch, auth, connected, branchTestId, children }: StaffHeaderProps) {
  const { t } = useTranslation('common');
  const prefix = PREFIX[scope];
  return (
    <header className={`staff-header ${prefix}-header`}>
      <StaffStyles />
      <div className={`staff-brand ${prefix}-brand`}>
        <span className={`staff-logo ${prefix}-logo`} aria-hidden="true">
          ▣
        </span>
        <div>
          <h1 className={`staff-title ${prefix}-title`}>{title}</h1>
          <div className={`staff-sub ${prefix}-sub`} data-testid={branchTestId}>
            {branch ? localized(branch.name) : t('appName')}
          </div>
        </div>
      </div>
      {children}
      <div className={`staff-tools ${prefix}-tools`}>
        {connected !== undefined && <ConnectionBadge connected={connected} />}
        <span className={`staff-user ${prefix}-user`} data-testid={`${scope}-user`}>
          {auth.session.displayName}
        </span>
        <LanguageSwitch />
        <button type="button" className={`staff-signout ${prefix}-signout`} onClick={() => void auth.signOut()} data-testid="logout">
          {t('login.logout')}
        </button>
      </div>
    </header>
  );
}
