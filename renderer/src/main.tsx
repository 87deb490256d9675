import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/ApiProvider';
import { createApi } from './api/client';
import { App } from './App';
import { ToastProvider } from './components';
import { SkipLink } from './components/SkipLink';
import { I18nProvider } from './i18n/I18nProvider';
import { ThemeProvider } from './theme';
import './styles/global.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');

createRoot(root).render(
  <StrictMode>
    <ApiProvider api={createApi()}>
      <I18nProvider>
        <ThemeProvider>
          <ToastProvider>
            <SkipLink />
            <App />
          </ToastProvider>
        </ThemeProvider>
      </I18nProvider>
    </ApiProvider>
  </StrictMode>,
);
