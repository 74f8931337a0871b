import { lazy, Suspense, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';

const KioskScreen = lazy(() => import('./screens/kiosk/KioskScreen'));
const ManagerScreen = lazy(() => import('./screens/manager/ManagerScreen'));
const TellerScreen = lazy(() => import('./screens/teller/TellerScreen'));
const DisplayScreen = lazy(() => import('./screens/display/DisplayScreen'));
const PhoneScreen = lazy(() => import('./screens/phone/PhoneScreen'));
const AdminScreen = lazy(() => import('./screens/admin/AdminScreen'));
const HeadOfficeScreen = lazy(() => import('./screens/head-office/HeadOfficeScreen'));

/** Picks the screen from the path: /kiosk, /manager, /teller, /display, /admin, /t/<token>, and /head-office (served by head office). */
export function screenFor(pathname: string): ReactElement {
  const track = /^\/t\/([A-Za-z0-9_-]+)\/?$/.exec(pathname);
  if (track) return <PhoneScreen token={track[1]!} />;
  switch (pathname.replace(/\/+$/, '')) {
    case '/kiosk':
      return <KioskScreen />;
    case '/manager':
      return <ManagerScreen />;
    case '/teller':
      return <TellerScreen />;
    case '/display':
      return <DisplayScreen />;
    case '/admin':
      return <AdminScreen />;
    case '/head-office':
      return <HeadOfficeScreen />;
    default:
      return <Home />;
  }
}

function Home() {
  const { t } = useTranslation('common');
  const links = ['kiosk', 'manager', 'teller', 'display', 'admin'] as const;
  return (
    <main className="home">
      <h1>{t('appName')}</h1>
      <ul>
        {links.map((l) => (
          <li key={l}>
            <a href={`/${l}`}>{t(`screens.${l}`)}</a>
          </li>
        ))}
      </ul>
    </main>
  );
}

export function App() {
  const { t } = useTranslation('common');
  return <Suspense fallback={<p className="loading">{t('loading')}</p>}>{screenFor(window.location.pathname)}</Suspense>;
}
