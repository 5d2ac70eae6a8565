// zod's configuration comes first: it must be in place before any module builds a schema.
import './lib/zod-setup.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { I18nProvider } from './i18n/index.tsx';
import { RealtimeProvider } from './hooks/realtime.tsx';
import { SessionProvider } from './hooks/session.tsx';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider>
      <I18nProvider>
        <RealtimeProvider>
          <App />
        </RealtimeProvider>
      </I18nProvider>
    </SessionProvider>
  </StrictMode>,
);
