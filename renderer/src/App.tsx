import { useEffect } from 'react';
import { FirstRunPage, OperatorConsole, prefetchLaterPages } from './lazyPages';
import { NotFoundPage } from './pages/NotFoundPage';
import { PeoplePage } from './pages/PeoplePage';
import { SecurityInfoPage } from './pages/SecurityInfoPage';
import { AccessProvider } from './pages/operator/access';
import { AccessGate } from './pages/operator/AccessGate';
import { useRoute } from './router';

/** Who the station serves decides what shows (operator sign-in, kiosk, first run): AccessGate. */
export function App() {
  return (
    <AccessProvider>
      <AccessGate>
        <Routes />
      </AccessGate>
    </AccessProvider>
  );
}

function Routes() {
  const route = useRoute();
  // The first screen is on its way to the display: fetch the later pages now.
  useEffect(() => {
    const id = setTimeout(prefetchLaterPages, 0);
    return () => clearTimeout(id);
  }, []);
  switch (route.name) {
    case 'people':
      return <PeoplePage />;
    case 'securityInfo':
      return <SecurityInfoPage key={route.personId} personId={route.personId} />;
    case 'firstRun':
      return <FirstRunPage />;
    case 'operator':
      return <OperatorConsole path={route.path} />;
    case 'notFound':
      return <NotFoundPage />;
  }
}
