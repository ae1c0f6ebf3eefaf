import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import '@tldraw/tldraw/tldraw.css'
import './styles.css'
import { App } from './App'
import { mark } from './perf'

mark('boot')

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)

// Offline app shell (production builds only: the dev server serves modules the worker must not cache).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch((error) => console.warn('service worker not registered', error))
  })
}
