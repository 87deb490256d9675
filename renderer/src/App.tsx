import { NotFoundPage } from './pages/NotFoundPage';
import { PeoplePage } from './pages/PeoplePage';
import { SecurityInfoPage } from './pages/SecurityInfoPage';
import { useRoute } from './router';

export function App() {
  const route = useRoute();
  switch (route.name) {
    case 'people':
      return <PeoplePage />;
    case 'securityInfo':
      return <SecurityInfoPage key={route.personId} personId={route.personId} />;
    case 'notFound':
      return <NotFoundPage />;
  }
}
