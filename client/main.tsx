import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import '@tldraw/tldraw/tldraw.css'
import './styles.css'
import { App } from './app/App'
import { mark } from './platform/perf'
import { registerServiceWorkerWhenSettled } from './platform/service-worker'

mark('boot')

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)

// Offline app shell (production builds only: the dev server serves modules the worker must not cache).
registerServiceWorkerWhenSettled()
