import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/ApiProvider';
import { createApi } from './api/client';
import { App } from './App';
import { ToastProvider } from './components';
import { SkipLink } from './components/SkipLink';
import { I18nProvider } from './i18n/I18nProvider';
import { onRestart } from './restart';
import { ThemeProvider } from './theme';
import './styles/global.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');

const api = createApi();

/** Every provider and page, remounted under a new key when the renderer starts over. */
function Root() {
  const [generation, setGeneration] = useState(0);
  useEffect(() => onRestart(() => setGeneration((g) => g + 1)), []);
  return (
    <ApiProvider api={api}>
      <I18nProvider key={generation}>
        <ThemeProvider>
          <ToastProvider>
            <SkipLink />
            <App />
          </ToastProvider>
        </ThemeProvider>
      </I18nProvider>
    </ApiProvider>
  );
}

createRoot(root).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
